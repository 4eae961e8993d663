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
import type { Projection } from "@flick/projection-runner";
import type { ReadStore } from "@flick/read-store";
import { inboxCodec } from "../events.js";
import { AGGREGATION_WINDOW_MS, SOURCES, SOURCE_TYPES, type InboxChange, type Notice } from "../sources.js";
import { notificationIdOf, updateIdOf } from "../update-ids.js";
import { BufferedTable, inTurnOrAtOnce } from "./buffered-table.js";
import { actorsTable, blocksTable, changesTable, entriesTable, groupsTable, INBOX_TABLES, orderTable, refsTable, stateTable } from "./inbox.tables.js";

export const MAX_ACTORS_SHOWN = 3;

export interface InboxProjectionOptions {
  /** Told, after each batch, the latest update id of every inbox it changed. */
  onChanged?: (changed: Map<string, string>) => Promise<void> | void;
}

export function inboxProjection(options: InboxProjectionOptions = {}): Projection<ReadStore> {
  return {
    name: "inbox",
    version: 1,
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
      const stateCache = new Map<string, { read_up_to: string; latest_update_id: string }>();
      const changed = new Map<string, string>();

      const state = async (recipient: string) => {
        let s = stateCache.get(recipient);
        if (!s) {
          const row = await states.get({ recipient_id: recipient });
          s = { read_up_to: row?.read_up_to ?? "", latest_update_id: row?.latest_update_id ?? "" };
          stateCache.set(recipient, s);
        }
        return s;
      };
      const commit = async (recipient: string, updateId: string, readUpTo?: string) => {
        const s = await state(recipient);
        s.latest_update_id = updateId;
        if (readUpTo !== undefined) s.read_up_to = readUpTo;
        states.upsert({ recipient_id: recipient, latest_update_id: updateId, read_up_to: s.read_up_to });
        changed.set(recipient, updateId);
      };
      const blocked = async (a: string, b: string) => {
        return (await blocks.get({ blocker_id: a, blocked_id: b })) !== undefined || (await blocks.get({ blocker_id: b, blocked_id: a })) !== undefined;
      };

      // What the batch's notices will read, in three waves of parallel reads rather than
      // one round trip after another: states, blocks and groups; the groups' entries; the
      // actors of those entries.
      const prefetch = async (notices: Notice[]) => {
        if (notices.length === 0) return;
        const grouped = notices.filter((n) => n.group);
        await states.prefetch(notices.map((n) => ({ recipient_id: n.recipient })));
        await blocks.prefetch(notices.flatMap((n) => [{ blocker_id: n.recipient, blocked_id: n.actor }, { blocker_id: n.actor, blocked_id: n.recipient }]));
        await groups.prefetch(grouped.map((n) => ({ recipient_id: n.recipient, group_key: n.group! })));
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
            if ((entry.update_id ?? "") >= updateId) return commit(recipient, updateId);
            const actor = await actors.get({ notification_id: entry.notification_id, actor_id: n.actor });
            if (actor && actor.added_by !== updateId) return; // the same person again: nothing new
            actors.upsert({ notification_id: entry.notification_id, actor_id: n.actor, added_by: updateId });
            if (entry.update_id) order.delete({ recipient_id: recipient, update_id: entry.update_id });
            order.upsert({ recipient_id: recipient, update_id: updateId, notification_id: entry.notification_id, kind: n.kind, read: false });
            changes.upsert({ recipient_id: recipient, update_id: updateId, change: "notification", notification_id: entry.notification_id });
            const previous = Array.isArray(entry.actor_ids) ? (entry.actor_ids as string[]) : [];
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
            return commit(recipient, updateId);
          }
        }
        const id = notificationIdOf(updateId);
        if (!(await entries.get({ recipient_id: recipient, notification_id: id }))) {
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
                if (!entry || entry.removed) continue;
                if (entry.update_id) order.delete({ recipient_id: ref.recipient_id, update_id: entry.update_id });
                changes.upsert({ recipient_id: ref.recipient_id, update_id: updateId, change: "removed", notification_id: ref.notification_id });
                entries.upsert({ recipient_id: ref.recipient_id, notification_id: ref.notification_id, removed: true });
                await commit(ref.recipient_id, updateId);
              }
              break;
            }
            case "read": {
              const updateId = nextUpdateId(change.recipient);
              if (!(await applies(change.recipient, updateId))) break;
              const s = await state(change.recipient);
              const upTo = change.upTo > s.read_up_to ? change.upTo : s.read_up_to;
              for (const id of change.ids) {
                const entry = await entries.get({ recipient_id: change.recipient, notification_id: id });
                if (!entry || entry.removed || !entry.update_id) continue;
                order.upsert({ recipient_id: change.recipient, update_id: entry.update_id, read: true });
                entries.upsert({ recipient_id: change.recipient, notification_id: id, read: true });
              }
              changes.upsert({ recipient_id: change.recipient, update_id: updateId, change: "read", up_to: change.upTo, ids: change.ids });
              await commit(change.recipient, updateId, upTo);
              break;
            }
          }
        }
      }
      await flush();
      if (changed.size > 0) await options.onChanged?.(changed);
    },
  };
}
