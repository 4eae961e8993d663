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
      const entries = store.table(entriesTable);
      const order = store.table(orderTable);
      const changes = store.table(changesTable);
      const states = store.table(stateTable);
      const groups = store.table(groupsTable);
      const actors = store.table(actorsTable);
      const refs = store.table(refsTable);
      const blocks = store.table(blocksTable);
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
        await states.upsert({ recipient_id: recipient, latest_update_id: updateId, read_up_to: s.read_up_to });
        changed.set(recipient, updateId);
      };
      const blocked = async (a: string, b: string) =>
        (await blocks.get({ blocker_id: a, blocked_id: b })) !== undefined || (await blocks.get({ blocker_id: b, blocked_id: a })) !== undefined;

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
            await actors.upsert({ notification_id: entry.notification_id, actor_id: n.actor, added_by: updateId });
            if (entry.update_id) await order.delete({ recipient_id: recipient, update_id: entry.update_id });
            await order.upsert({ recipient_id: recipient, update_id: updateId, notification_id: entry.notification_id, kind: n.kind, read: false });
            await changes.upsert({ recipient_id: recipient, update_id: updateId, change: "notification", notification_id: entry.notification_id });
            const previous = Array.isArray(entry.actor_ids) ? (entry.actor_ids as string[]) : [];
            await entries.upsert({
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
          if (n.group) await groups.upsert({ recipient_id: recipient, group_key: n.group, notification_id: id, opened_at: at });
          if (n.ref) await refs.upsert({ ref: n.ref, recipient_id: recipient, notification_id: id });
          await actors.upsert({ notification_id: id, actor_id: n.actor, added_by: updateId });
          await order.upsert({ recipient_id: recipient, update_id: updateId, notification_id: id, kind: n.kind, read: false });
          await changes.upsert({ recipient_id: recipient, update_id: updateId, change: "notification", notification_id: id });
          await entries.upsert({
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

      for (const r of events) {
        const decoded = inboxCodec.decode(r);
        const source = decoded && SOURCES[decoded.$typeName];
        if (!decoded || !source) continue;
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

        for (const change of source(decoded) as InboxChange[]) {
          switch (change.type) {
            case "block":
              if (change.blocking) await blocks.upsert({ blocker_id: change.blocker, blocked_id: change.blocked });
              else await blocks.delete({ blocker_id: change.blocker, blocked_id: change.blocked });
              break;
            case "notice": {
              if (!change.recipient || !change.actor || change.recipient === change.actor) break;
              if (await blocked(change.recipient, change.actor)) break;
              const updateId = nextUpdateId(change.recipient);
              if (await applies(change.recipient, updateId)) await notice(change, updateId, when);
              break;
            }
            case "remove": {
              const page = await refs.scan({ ref: change.ref }, { limit: 1000 });
              for (const ref of page.rows) {
                const updateId = nextUpdateId(ref.recipient_id);
                if (!(await applies(ref.recipient_id, updateId))) continue;
                const entry = await entries.get({ recipient_id: ref.recipient_id, notification_id: ref.notification_id });
                if (!entry || entry.removed) continue;
                if (entry.update_id) await order.delete({ recipient_id: ref.recipient_id, update_id: entry.update_id });
                await changes.upsert({ recipient_id: ref.recipient_id, update_id: updateId, change: "removed", notification_id: ref.notification_id });
                await entries.upsert({ recipient_id: ref.recipient_id, notification_id: ref.notification_id, removed: true });
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
                await order.upsert({ recipient_id: change.recipient, update_id: entry.update_id, read: true });
                await entries.upsert({ recipient_id: change.recipient, notification_id: id, read: true });
              }
              await changes.upsert({ recipient_id: change.recipient, update_id: updateId, change: "read", up_to: change.upTo, ids: change.ids });
              await commit(change.recipient, updateId, upTo);
              break;
            }
          }
        }
      }
      if (changed.size > 0) await options.onChanged?.(changed);
    },
  };
}
