// StreamNotifications: replay every change after after_id from the read model, then go
// live. The stream subscribes to the user's channel before it reads, and treats a message
// only as "read again": the read model is the truth, so a lost or early message (published
// before the batch committed) costs a little latency, never a change. Idle streams get a
// heartbeat; the stream ends when the client goes or the server drains.
//
// A page of changes costs one state read (its unread count is kept by the projection)
// and the entries it shows; the viewer's context (blocks, follows: who may appear as an
// actor, which thumbnails show) is reused for VIEWER_CONTEXT_MS rather than loaded per page.
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { HeartbeatSchema, NotificationsMarkedReadSchema, type Notification } from "@flick/contracts/flick/notification/v1/notification_pb";
import { StreamNotificationsResponseSchema, type StreamNotificationsResponse } from "@flick/contracts/flick/notification/v1/notification_service_pb";
import { FailedPreconditionError } from "@flick/kernel";
import { loadViewerContext, type ViewerContext } from "../../social/visibility.js";
import { inboxChannel, type NotificationContext } from "../notification.context.js";
import { changesTable, entriesTable, type EntryRow } from "../projections/inbox.tables.js";
import { inboxState, renderEntries } from "../queries/inbox.query.js";
import { checkUpdateId } from "../update-ids.js";
import type { RequestInfo } from "../../video/queries/video-view.js";

/** How often a stream re-reads without a message, in case one was lost. */
export const POLL_MS = 2_000;
/** After a message names an update not yet visible, how long to keep re-reading. */
const SETTLE_MS = 2_000;
/** How long a stream reuses the viewer's context (a block applies to its pages after this). */
export const VIEWER_CONTEXT_MS = 2_000;

export async function* streamInbox(
  ctx: NotificationContext,
  userId: string,
  afterId: string,
  signal: AbortSignal,
  request?: RequestInfo,
): AsyncGenerator<StreamNotificationsResponse> {
  if (afterId) checkUpdateId(afterId, "after_id");
  const subscription = await ctx.pubsub.subscribe(inboxChannel(userId), { signal, bufferSize: 64 });
  const store = await ctx.inbox.store();
  const changes = store.table(changesTable);
  const entries = store.table(entriesTable);
  let state = await inboxState(store, userId);
  let last = afterId || state.latestUpdateId;
  if (afterId && afterId !== state.latestUpdateId) {
    const known = await changes.get({ recipient_id: userId, update_id: afterId });
    if (!known) throw new FailedPreconditionError("after_id is older than the retained history: reload the list and reconnect", "HISTORY_EXPIRED");
  }

  // Messages wake the loop; `target` is the newest update a message announced.
  let target = "";
  let wake: (() => void) | undefined;
  void (async () => {
    try {
      for await (const message of subscription) {
        if (message > target) target = message;
        wake?.();
      }
    } catch {
      // the subscription ended; the poll keeps the stream correct
    }
  })();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        signal.removeEventListener("abort", done);
        resolve();
      }
      wake = done;
      signal.addEventListener("abort", done, { once: true });
    });

  let viewer: { context: ViewerContext; at: number } | undefined;
  const viewerContext = async () => {
    if (!viewer || Date.now() - viewer.at > VIEWER_CONTEXT_MS) viewer = { context: await loadViewerContext(ctx.platform, userId), at: Date.now() };
    return viewer.context;
  };

  /**
   * The page's notification changes rendered by update id, in one read and one render:
   * only an entry's latest change can be sent (an aggregated entry a hot video keeps
   * changing appears many times on a page), so earlier ones are not read at all.
   */
  const renderPage = async (rows: readonly { change?: string | null; notification_id?: string | null; update_id: string }[]) => {
    const latest = new Map<string, string>();
    for (const row of rows) if (row.change === "notification" && row.notification_id) latest.set(row.notification_id, row.update_id);
    if (latest.size === 0) return new Map<string, Notification>();
    const found = await entries.getMany([...latest.keys()].map((notification_id) => ({ recipient_id: userId, notification_id })));
    // An entry changed again after this page's change is sent with its own later change.
    const current = found.filter((e): e is EntryRow => e !== undefined && latest.get(e.notification_id) === e.update_id);
    const notifications = current.length > 0 ? await renderEntries(ctx, await viewerContext(), state, current, request) : [];
    return new Map(notifications.map((n) => [n.updateId, n]));
  };

  try {
    let idleSince = Date.now();
    let settleUntil = 0;
    while (!signal.aborted) {
      const page = await changes.scan({ recipient_id: userId }, { limit: 100, range: last ? { gt: last } : undefined });
      if (page.rows.length > 0) {
        state = await inboxState(store, userId);
        const rendered = await renderPage(page.rows);
        for (const row of page.rows) {
          const out = create(StreamNotificationsResponseSchema, { updateId: row.update_id });
          if (row.change === "notification") {
            const notification = rendered.get(row.update_id);
            // Superseded by a later change of the same entry (sent then), or not to show.
            if (!notification) {
              last = row.update_id;
              continue;
            }
            out.change = { case: "notification", value: notification };
          } else if (row.change === "read") {
            const ids = Array.isArray(row.ids) ? (row.ids as string[]) : [];
            out.change = { case: "read", value: create(NotificationsMarkedReadSchema, { upToUpdateId: row.up_to ?? "", notificationIds: ids }) };
          } else {
            out.change = { case: "removedNotificationId", value: row.notification_id ?? "" };
          }
          // The count as of the page's read (a later change on the page is counted already).
          out.unreadCount = BigInt(state.unread);
          last = row.update_id;
          yield out;
        }
        idleSince = Date.now();
        if (page.rows.length === 100) continue;
      }
      if (target > last) {
        // Announced but not visible yet (published before its batch committed): re-read soon.
        settleUntil ||= Date.now() + SETTLE_MS;
        if (Date.now() < settleUntil) {
          await sleep(20);
          continue;
        }
      }
      settleUntil = 0;
      const untilHeartbeat = ctx.heartbeatMs - (Date.now() - idleSince);
      if (untilHeartbeat <= 0) {
        yield create(StreamNotificationsResponseSchema, {
          updateId: last,
          change: { case: "heartbeat", value: create(HeartbeatSchema, { serverTime: timestampNow() }) },
          unreadCount: BigInt((await inboxState(store, userId)).unread),
        });
        idleSince = Date.now();
        continue;
      }
      await sleep(Math.min(untilHeartbeat, POLL_MS));
    }
  } finally {
    await subscription.close();
  }
}
