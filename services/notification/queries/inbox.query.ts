// The inbox as the API shows it: entries newest update first, actors as user summaries
// (those across a block with the recipient left out), read = marked one by one or at or
// below the read watermark. The unread count is kept by the projection in inbox_state;
// only a count of some kinds scans the list (above the watermark).
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { NotificationSchema, type Notification, type NotificationKind } from "@flick/contracts/flick/notification/v1/notification_pb";
import type { ReadStore } from "@flick/read-store";
import { decodeListCursor, encodeListCursor } from "../../social/paging.js";
import { loadViewerContext, type ViewerContext } from "../../social/visibility.js";
import type { NotificationContext } from "../notification.context.js";
import type { RequestInfo } from "../../video/queries/video-view.js";
import { entriesTable, orderTable, stateTable, type EntryRow } from "../projections/inbox.tables.js";
import { ValidationError } from "@flick/kernel";

/** Unread entries counted at most (a badge shows "999+" long before). */
export const MAX_UNREAD = 1_000;
export const DEFAULT_LIMIT = 20;

export interface InboxState {
  readUpTo: string;
  latestUpdateId: string;
  /** Unread entries as of latestUpdateId, at most MAX_UNREAD. */
  unread: number;
}

export async function inboxState(store: ReadStore, userId: string): Promise<InboxState> {
  const row = await store.table(stateTable).get({ recipient_id: userId });
  return { readUpTo: row?.read_up_to ?? "", latestUpdateId: row?.latest_update_id ?? "", unread: Math.min(Number(row?.unread ?? 0n), MAX_UNREAD) };
}

/** The unread count, of every kind (kept with the state) or of some kinds (a scan). */
export async function unreadCount(store: ReadStore, userId: string, state: InboxState, kinds: readonly NotificationKind[] = []): Promise<number> {
  if (kinds.length === 0) return state.unread;
  return scanUnread(store, userId, state, kinds);
}

/** Counts unread entries by scanning the list above the watermark (at most MAX_UNREAD). */
export async function scanUnread(store: ReadStore, userId: string, state: InboxState, kinds: readonly NotificationKind[] = []): Promise<number> {
  const wanted = new Set(kinds);
  const table = store.table(orderTable);
  let count = 0;
  let scanned = 0;
  let cursor: string | undefined;
  do {
    const page = await table.scan({ recipient_id: userId }, { limit: 500, cursor, range: state.readUpTo ? { gt: state.readUpTo } : undefined });
    for (const row of page.rows) {
      if (!row.read && (wanted.size === 0 || wanted.has(row.kind ?? 0))) count++;
    }
    scanned += page.rows.length;
    cursor = page.rows.length === 500 ? page.cursor : undefined;
  } while (cursor && scanned < MAX_UNREAD && count < MAX_UNREAD);
  return Math.min(count, MAX_UNREAD);
}

export async function renderEntries(
  ctx: NotificationContext,
  viewer: ViewerContext,
  state: InboxState,
  rows: readonly EntryRow[],
  request?: RequestInfo,
): Promise<Notification[]> {
  const actorIds = rows.flatMap((r) => (Array.isArray(r.actor_ids) ? (r.actor_ids as string[]) : []));
  const [people, thumbnails] = await Promise.all([
    ctx.people.summaries(actorIds.filter((a) => viewer.canInteract(a))),
    ctx.thumbnails?.(viewer, rows.map((r) => r.video_id ?? ""), request),
  ]);
  const out: Notification[] = [];
  for (const r of rows) {
    if (r.removed || !r.update_id) continue;
    const actors = (Array.isArray(r.actor_ids) ? (r.actor_ids as string[]) : []).map((a) => people.get(a)).filter((a) => a !== undefined);
    // A single-actor entry whose actor is gone (deleted, or across a block) says nothing.
    if (actors.length === 0 && (r.actor_count ?? 1n) <= 1n) continue;
    out.push(
      create(NotificationSchema, {
        id: r.notification_id,
        kind: r.kind ?? 0,
        actors,
        actorCount: r.actor_count ?? BigInt(actors.length),
        videoId: r.video_id ?? "",
        commentId: r.comment_id ?? "",
        parentCommentId: r.parent_comment_id ?? "",
        challengeId: r.challenge_id ?? "",
        relatedVideoId: r.related_video_id ?? "",
        thumbnailUrl: thumbnails?.get(r.video_id ?? "") ?? "",
        previewText: r.preview_text ?? "",
        read: !!r.read || (state.readUpTo !== "" && r.update_id <= state.readUpTo),
        createdAt: r.created_at ? timestampFromDate(r.created_at) : undefined,
        updatedAt: r.updated_at ? timestampFromDate(r.updated_at) : undefined,
        updateId: r.update_id,
      }),
    );
  }
  return out;
}

export async function listNotifications(
  ctx: NotificationContext,
  userId: string,
  input: { kinds: NotificationKind[]; limit: number; cursor: string; request?: RequestInfo },
) {
  const store = await ctx.inbox.store();
  const state = await inboxState(store, userId);
  const viewer = await loadViewerContext(ctx.platform, userId);
  const kinds = new Set(input.kinds);
  const list = `inbox:${userId}:${[...kinds].sort().join(",")}`;
  const limit = input.limit || DEFAULT_LIMIT;
  const order = store.table(orderTable);
  const entries = store.table(entriesTable);
  const out: Notification[] = [];
  let position = decodeListCursor(list, input.cursor);
  let more = true;
  for (let round = 0; round < 10 && out.length < limit && more; round++) {
    const want = limit - out.length;
    let page;
    try {
      page = await order.scan({ recipient_id: userId }, { limit: want, cursor: position });
    } catch (err) {
      if (position !== undefined) throw ValidationError.field("cursor", "invalid cursor");
      throw err;
    }
    const rows = page.rows.filter((r) => kinds.size === 0 || kinds.has(r.kind ?? 0));
    const found = await entries.getMany(rows.map((r) => ({ recipient_id: userId, notification_id: r.notification_id ?? "" })));
    // An order row whose entry has moved on (a partly applied change) is left out.
    const current = found.filter((e, i): e is EntryRow => e !== undefined && e.update_id === rows[i]!.update_id);
    out.push(...(await renderEntries(ctx, viewer, state, current, input.request)));
    position = page.cursor;
    more = page.cursor !== undefined && page.rows.length === want;
  }
  return {
    notifications: out,
    nextCursor: more ? encodeListCursor(list, position) : "",
    unreadCount: BigInt(await unreadCount(store, userId, state)),
    latestUpdateId: state.latestUpdateId,
  };
}
