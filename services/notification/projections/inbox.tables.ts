// The inbox read model (tables role), shaped for its queries:
//   inbox_entries   one row per notification, by recipient
//   inbox_order     the list: by recipient, newest update first (an entry moves up when
//                   it gains an actor: its row is deleted and re-inserted)
//   inbox_changes   every change by recipient in update order, kept a week: what a
//                   reconnecting stream replays after its after_id
//   inbox_state     per recipient: the read watermark, the latest update id and the
//                   unread count as of that update
//   inbox_groups    open aggregation groups by (recipient, group key)
//   inbox_actors    distinct actors of an entry (the count is of these)
//   inbox_refs      entries a later event may remove (by comment, by follow request)
//   inbox_blocks    blocks as the inbox knows them, so no notice crosses one
import { defineTable, type RowOf } from "@flick/read-store";

export const CHANGE_RETENTION_SECONDS = 7 * 86_400;

export const entriesTable = defineTable({
  name: "inbox_entries",
  partitionKey: [{ name: "recipient_id", type: "text" }],
  clustering: [{ name: "notification_id", type: "text" }],
  columns: [
    { name: "kind", type: "int" },
    { name: "actor_ids", type: "json" },
    { name: "actor_count", type: "bigint" },
    { name: "video_id", type: "text" },
    { name: "comment_id", type: "text" },
    { name: "parent_comment_id", type: "text" },
    { name: "challenge_id", type: "text" },
    { name: "related_video_id", type: "text" },
    { name: "preview_text", type: "text" },
    { name: "created_at", type: "timestamp" },
    { name: "updated_at", type: "timestamp" },
    { name: "update_id", type: "text" },
    { name: "read", type: "boolean" },
    { name: "removed", type: "boolean" },
  ],
});

export const orderTable = defineTable({
  name: "inbox_order",
  partitionKey: [{ name: "recipient_id", type: "text" }],
  clustering: [{ name: "update_id", type: "text", order: "desc" }],
  columns: [
    { name: "notification_id", type: "text" },
    { name: "kind", type: "int" },
    { name: "read", type: "boolean" },
  ],
});

export const changesTable = defineTable({
  name: "inbox_changes",
  partitionKey: [{ name: "recipient_id", type: "text" }],
  clustering: [{ name: "update_id", type: "text" }],
  columns: [
    /** "notification" | "read" | "removed" */
    { name: "change", type: "text" },
    { name: "notification_id", type: "text" },
    /** For "read": the watermark and the ids marked. */
    { name: "up_to", type: "text" },
    { name: "ids", type: "json" },
  ],
  ttlSeconds: CHANGE_RETENTION_SECONDS,
});

export const stateTable = defineTable({
  name: "inbox_state",
  partitionKey: [{ name: "recipient_id", type: "text" }],
  columns: [
    { name: "read_up_to", type: "text" },
    { name: "latest_update_id", type: "text" },
    /** Entries neither marked read nor at or below the watermark (not removed). */
    { name: "unread", type: "bigint" },
  ],
});

export const groupsTable = defineTable({
  name: "inbox_groups",
  partitionKey: [{ name: "recipient_id", type: "text" }],
  clustering: [{ name: "group_key", type: "text" }],
  columns: [
    { name: "notification_id", type: "text" },
    { name: "opened_at", type: "timestamp" },
  ],
});

export const actorsTable = defineTable({
  name: "inbox_actors",
  partitionKey: [{ name: "notification_id", type: "text" }],
  clustering: [{ name: "actor_id", type: "text" }],
  columns: [{ name: "added_by", type: "text" }],
});

export const refsTable = defineTable({
  name: "inbox_refs",
  partitionKey: [{ name: "ref", type: "text" }],
  clustering: [
    { name: "recipient_id", type: "text" },
    { name: "notification_id", type: "text" },
  ],
});

export const blocksTable = defineTable({
  name: "inbox_blocks",
  partitionKey: [{ name: "blocker_id", type: "text" }],
  clustering: [{ name: "blocked_id", type: "text" }],
});

export const INBOX_TABLES = [entriesTable, orderTable, changesTable, stateTable, groupsTable, actorsTable, refsTable, blocksTable] as const;

export type EntryRow = RowOf<typeof entriesTable>;
export type ChangeRow = RowOf<typeof changesTable>;
