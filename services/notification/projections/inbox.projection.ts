// The inbox (tables role): notices from sources.ts, aggregated per group within the
// window, removals, read marks — each change named by an update id from the event's log
// position, so a rebuild yields the same ids and a client's after_id survives it.
//
// Exact under redelivery (Cassandra has no atomic batch + checkpoint): per recipient,
// changes come in update-id order, and inbox_state.latest_update_id records the last one
// applied, written after the change's other rows; a change at or below it is skipped. An
// entry's row is written after its list, change and actor rows, and an entry already at
// this update id is not applied twice; an actor row remembers which update added it, so
// a retried change still counts its actor as new.
//
// The unread count lives in inbox_state with latest_update_id, so it always matches the
// changes applied: each change adds its difference (an entry appears or gains an actor
// while read: +1; an unread entry is removed or marked read: -1). A read watermark counts
// what stays unread above it (none when it covers the whole inbox). Where a batch is not
// atomic (Cassandra), a redelivered change may find its rows already written, so the
// difference is unknown: that inbox is counted again from inbox_order after the flush
// (also where a repeat is legitimate — an id marked read twice — which is rare).
import type { Projection } from "@flick/projection-runner";
import type { ReadStore } from "@flick/read-store";
import { inboxCodec } from "../events.js";
import { AGGREGATION_WINDOW_MS, SOURCES, SOURCE_TYPES, type InboxChange, type Notice } from "../sources.js";
import { notificationIdOf, updateIdOf } from "../update-ids.js";
import { BufferedTable, inTurnOrAtOnce } from "../../platform/buffered-table.js";
import { actorsTable, blocksTable, changesTable, entriesTable, groupsTable, INBOX_TABLES, orderTable, refsTable, stateTable, type EntryRow } from "./inbox.tables.js";

export const MAX_ACTORS_SHOWN = 3;

export interface InboxProjectionOptions {
  /** Told, after each batch, the latest update id of every inbox it changed. */
  onChanged?: (changed: Map<string, string>) => Promise<void> | void;
}

export function inboxProjection(options: InboxProjectionOptions = {}): Projection<ReadStore> {
  return {
    name: "inbox",
    // 2: inbox_state.unread.
    version: 2,
    filter: { eventTypes: SOURCE_TYPES },
    setup: (store) => store.ensure(...INBOX_TABLES),
    async handle(events, store) {
      // Every table through the batch's buffer; flush() writes them in the order the
      // redelivery rules above need: list, change, actor, group, ref and block rows, then
      // entries, then the per-recipient state that marks the changes applied.
      // Cassandra takes independent statements at once; a SQL batch is one transaction on
      // one connection, which takes them in turn anyway.
      const concurrent = store.engine === "cassandra";
      const entries = new BufferedTable(store.table(entriesTable), concurrent);
      const order = new BufferedTable(store.table(orderTable), concurrent);
      const changes = new BufferedTable(store.table(changesTable), concurrent);
      const states = new BufferedTable(store.table(stateTable), concurrent);
      const groups = new BufferedTable(store.table(groupsTable), concurrent);
      const actors = new BufferedTable(store.table(actorsTable), concurrent);
      const refs = new BufferedTable(store.table(refsTable), concurrent);
      const blocks = new BufferedTable(store.table(blocksTable), concurrent);
      const flush = async () => {
        await inTurnOrAtOnce(concurrent, [order, changes, groups, actors, refs, blocks], (t) => t.flush());
        await entries.flush();
        await states.flush();
      };
      const stateCache = new Map<string, { read_up_to: string; latest_update_id: string; unread: number }>();
      const changed = new Map<string, string>();
      // Inboxes whose count a redelivery may have left unknown (only where not atomic).
      const recount = new Set<string>();
      const maybeRedelivered = (recipient: string) => void recount.add(recipient);
      const isUnread = (e: EntryRow, readUpTo: string) => !e.removed && !e.read && !!e.update_id && e.update_id > readUpTo;

      const state = async (recipient: string) => {
        let s = stateCache.get(recipient);
        if (!s) {
          const row = await states.get({ recipient_id: recipient });
          s = { read_up_to: row?.read_up_to ?? "", latest_update_id: row?.latest_update_id ?? "", unread: Number(row?.unread ?? 0n) };
          stateCache.set(recipient, s);
        }
        return s;
      };
      const commit = async (recipient: string, updateId: string, unread: { delta?: number; set?: number } = {}, readUpTo?: string) => {
        const s = await state(recipient);
        s.latest_update_id = updateId;
        if (readUpTo !== undefined) s.read_up_to = readUpTo;
        s.unread = Math.max(0, unread.set ?? s.unread + (unread.delta ?? 0));
        states.upsert({ recipient_id: recipient, latest_update_id: updateId, read_up_to: s.read_up_to, unread: BigInt(s.unread) });
        changed.set(recipient, updateId);
      };
      /** Unread entries above `readUpTo`, from the list as stored (flush first). */
      const countUnread = async (recipient: string, readUpTo: string) => {
        let count = 0;
        let cursor: string | undefined;
        do {
          const page = await order.table.scan({ recipient_id: recipient }, { limit: 500, cursor, range: readUpTo ? { gt: readUpTo } : undefined });
          for (const row of page.rows) if (!row.read) count++;
          cursor = page.rows.length === 500 ? page.cursor : undefined;
        } while (cursor);
        return count;
      };
      const blocked = async (a: string, b: string) => {
        return (await blocks.get({ blocker_id: a, blocked_id: b })) !== undefined || (await blocks.get({ blocker_id: b, blocked_id: a })) !== undefined;
      };

      // What the batch's notices will read, in three waves of multi-key reads (one
      // statement per table on SQL) rather than a round trip per row: states, blocks and
      // groups; the groups' entries; the actors of those entries.
      const prefetch = async (notices: Notice[]) => {
        if (notices.length === 0) return;
        const grouped = notices.filter((n) => n.group);
        await inTurnOrAtOnce(
          concurrent,
          [
            () => states.prefetch(notices.map((n) => ({ recipient_id: n.recipient }))),
            () => blocks.prefetch(notices.flatMap((n) => [{ blocker_id: n.recipient, blocked_id: n.actor }, { blocker_id: n.actor, blocked_id: n.recipient }])),
            () => groups.prefetch(grouped.map((n) => ({ recipient_id: n.recipient, group_key: n.group! }))),
          ],
          (read) => read(),
        );
        // Known now (prefetched): no round trips here.
        const open = await Promise.all(grouped.map(async (n) => ({ n, g: await groups.get({ recipient_id: n.recipient, group_key: n.group! }) })));
        const withEntry = open.filter((o) => o.g?.notification_id);
        await entries.prefetch(withEntry.map((o) => ({ recipient_id: o.n.recipient, notification_id: o.g!.notification_id! })));
        await actors.prefetch(withEntry.map((o) => ({ notification_id: o.g!.notification_id!, actor_id: o.n.actor })));
      };

      const notice = async (n: Notice, updateId: string, at: Date) => {
        const recipient = n.recipient;
        if (n.group) {
          const g = await groups.get({ recipient_id: recipient, group_key: n.group });
          const open = g?.opened_at && at.getTime() - g.opened_at.getTime() < AGGREGATION_WINDOW_MS;
          const entry = open && g.notification_id ? await entries.get({ recipient_id: recipient, notification_id: g.notification_id }) : undefined;
          if (entry && !entry.removed) {
            if ((entry.update_id ?? "") >= updateId) {
              maybeRedelivered(recipient);
              return commit(recipient, updateId);
            }
            const actor = await actors.get({ notification_id: entry.notification_id, actor_id: n.actor });
            if (actor && actor.added_by !== updateId) return; // the same person again: nothing new
            actors.upsert({ notification_id: entry.notification_id, actor_id: n.actor, added_by: updateId });
            if (entry.update_id) order.delete({ recipient_id: recipient, update_id: entry.update_id });
            order.upsert({ recipient_id: recipient, update_id: updateId, notification_id: entry.notification_id, kind: n.kind, read: false });
            changes.upsert({ recipient_id: recipient, update_id: updateId, change: "notification", notification_id: entry.notification_id });
            const previous = Array.isArray(entry.actor_ids) ? (entry.actor_ids as string[]) : [];
            const delta = isUnread(entry, (await state(recipient)).read_up_to) ? 0 : 1;
            entries.upsert({
              recipient_id: recipient,
              notification_id: entry.notification_id,
              actor_ids: [n.actor, ...previous.filter((a) => a !== n.actor)].slice(0, MAX_ACTORS_SHOWN),
              actor_count: (entry.actor_count ?? 0n) + 1n,
              related_video_id: n.relatedVideoId ?? entry.related_video_id ?? "",
              updated_at: at,
              update_id: updateId,
              read: false,
            });
            return commit(recipient, updateId, { delta });
          }
        }
        const id = notificationIdOf(updateId);
        if (await entries.get({ recipient_id: recipient, notification_id: id })) {
          maybeRedelivered(recipient); // written by an earlier delivery of this change
        } else {
          if (n.group) groups.upsert({ recipient_id: recipient, group_key: n.group, notification_id: id, opened_at: at });
          if (n.ref) refs.upsert({ ref: n.ref, recipient_id: recipient, notification_id: id });
          actors.upsert({ notification_id: id, actor_id: n.actor, added_by: updateId });
          order.upsert({ recipient_id: recipient, update_id: updateId, notification_id: id, kind: n.kind, read: false });
          changes.upsert({ recipient_id: recipient, update_id: updateId, change: "notification", notification_id: id });
          entries.upsert({
            recipient_id: recipient,
            notification_id: id,
            kind: n.kind,
            actor_ids: [n.actor],
            actor_count: 1n,
            video_id: n.videoId ?? "",
            comment_id: n.commentId ?? "",
            parent_comment_id: n.parentCommentId ?? "",
            challenge_id: n.challengeId ?? "",
            related_video_id: n.relatedVideoId ?? "",
            preview_text: n.previewText ?? "",
            created_at: at,
            updated_at: at,
            update_id: updateId,
            read: false,
            removed: false,
          });
          return commit(recipient, updateId, { delta: 1 });
        }
        return commit(recipient, updateId);
      };

      const work = events.flatMap((r) => {
        const decoded = inboxCodec.decode(r);
        const source = decoded && SOURCES[decoded.$typeName];
        return decoded && source ? [{ r, decoded, changes: source(decoded) as InboxChange[] }] : [];
      });
      await prefetch(work.flatMap((w) => w.changes.filter((c): c is Notice => c.type === "notice" && !!c.recipient && !!c.actor)));

      for (const { r, decoded, changes: inboxChanges } of work) {
        const at = r.recordedAt;
        const occurred = (decoded as { occurredAt?: { seconds: bigint; nanos: number } }).occurredAt;
        const when = occurred ? new Date(Number(occurred.seconds) * 1000 + Math.floor(occurred.nanos / 1e6)) : at;
        const indexes = new Map<string, number>();
        const nextUpdateId = (recipient: string) => {
          const i = indexes.get(recipient) ?? 0;
          indexes.set(recipient, i + 1);
          return updateIdOf(r.checkpoint, i);
        };
        const applies = async (recipient: string, updateId: string) => (await state(recipient)).latest_update_id < updateId;

        for (const change of inboxChanges) {
          switch (change.type) {
            case "block":
              if (change.blocking) blocks.upsert({ blocker_id: change.blocker, blocked_id: change.blocked });
              else blocks.delete({ blocker_id: change.blocker, blocked_id: change.blocked });
              break;
            case "notice": {
              if (!change.recipient || !change.actor || change.recipient === change.actor) break;
              if (await blocked(change.recipient, change.actor)) break;
              const updateId = nextUpdateId(change.recipient);
              if (await applies(change.recipient, updateId)) await notice(change, updateId, when);
              break;
            }
            case "remove": {
              // A scan reads the store itself: write out what the batch has buffered first.
              await flush();
              const page = await refs.table.scan({ ref: change.ref }, { limit: 1000 });
              for (const ref of page.rows) {
                const updateId = nextUpdateId(ref.recipient_id);
                if (!(await applies(ref.recipient_id, updateId))) continue;
                const entry = await entries.get({ recipient_id: ref.recipient_id, notification_id: ref.notification_id });
                if (!entry) continue;
                if (entry.removed) {
                  maybeRedelivered(ref.recipient_id);
                  continue;
                }
                const delta = isUnread(entry, (await state(ref.recipient_id)).read_up_to) ? -1 : 0;
                if (entry.update_id) order.delete({ recipient_id: ref.recipient_id, update_id: entry.update_id });
                changes.upsert({ recipient_id: ref.recipient_id, update_id: updateId, change: "removed", notification_id: ref.notification_id });
                entries.upsert({ recipient_id: ref.recipient_id, notification_id: ref.notification_id, removed: true });
                await commit(ref.recipient_id, updateId, { delta });
              }
              break;
            }
            case "read": {
              const updateId = nextUpdateId(change.recipient);
              if (!(await applies(change.recipient, updateId))) break;
              const s = await state(change.recipient);
              let delta = 0;
              for (const id of new Set(change.ids)) {
                const entry = await entries.get({ recipient_id: change.recipient, notification_id: id });
                if (!entry || entry.removed || !entry.update_id) continue;
                if (entry.read) maybeRedelivered(change.recipient);
                if (isUnread(entry, s.read_up_to)) delta--;
                order.upsert({ recipient_id: change.recipient, update_id: entry.update_id, read: true });
                entries.upsert({ recipient_id: change.recipient, notification_id: id, read: true });
              }
              changes.upsert({ recipient_id: change.recipient, update_id: updateId, change: "read", up_to: change.upTo, ids: change.ids });
              if (change.upTo > s.read_up_to) {
                // Covering the whole inbox leaves nothing unread; otherwise count what stays
                // above the new watermark (usually what arrived since the client looked).
                let unread = 0;
                if (change.upTo < s.latest_update_id) {
                  await flush();
                  unread = await countUnread(change.recipient, change.upTo);
                }
                await commit(change.recipient, updateId, { set: unread }, change.upTo);
              } else {
                await commit(change.recipient, updateId, { delta });
              }
              break;
            }
          }
        }
      }
      await flush();
      if (recount.size > 0) {
        for (const recipient of recount) {
          const s = await state(recipient);
          s.unread = await countUnread(recipient, s.read_up_to);
          states.upsert({ recipient_id: recipient, latest_update_id: s.latest_update_id, read_up_to: s.read_up_to, unread: BigInt(s.unread) });
        }
        await states.flush();
      }
      if (changed.size > 0) await options.onChanged?.(changed);
    },
  };
}
