// Blocks (tables role):
//   block_edges    (blocker_id | blocked_id)            "has A blocked B", blocked_at
//   blocked_users  (user_id | blocked_at DESC, blocked_id) a user's block list, newest first
//   blocked_by     (user_id | blocker_id)               who blocks a user (for visibility)
// A deleted account's blocks, both ways, are withdrawn.
import type { Projection } from "@flick/projection-runner";
import { defineTable, type ReadStore } from "@flick/read-store";
import { toDate } from "../../identity/events.js";
import { socialCodec } from "../events.js";
import { scanAll } from "../paging.js";

export const blockEdgesTable = defineTable({
  name: "block_edges",
  partitionKey: [{ name: "blocker_id", type: "text" }],
  clustering: [{ name: "blocked_id", type: "text" }],
  columns: [{ name: "blocked_at", type: "timestamp" }],
});

export const blockedUsersTable = defineTable({
  name: "blocked_users",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [
    { name: "blocked_at", type: "timestamp", order: "desc" },
    { name: "blocked_id", type: "text" },
  ],
});

export const blockedByTable = defineTable({
  name: "blocked_by",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [{ name: "blocker_id", type: "text" }],
});

export function blocksProjection(): Projection<ReadStore> {
  return {
    name: "blocks",
    version: 1,
    filter: {
      categories: ["block", "account"],
      eventTypes: ["flick.events.v1.UserBlocked", "flick.events.v1.UserUnblocked", "flick.events.v1.AccountDeleted"],
    },
    setup: (store) => store.ensure(blockEdgesTable, blockedUsersTable, blockedByTable),
    async handle(events, store) {
      const edges = store.table(blockEdgesTable);
      const list = store.table(blockedUsersTable);
      const by = store.table(blockedByTable);
      const remove = async (blockerId: string, blockedId: string) => {
        const edge = await edges.get({ blocker_id: blockerId, blocked_id: blockedId });
        if (!edge?.blocked_at) return;
        await list.delete({ user_id: blockerId, blocked_at: edge.blocked_at, blocked_id: blockedId });
        await by.delete({ user_id: blockedId, blocker_id: blockerId });
        await edges.delete({ blocker_id: blockerId, blocked_id: blockedId });
      };
      for (const recorded of events) {
        const e = socialCodec.decode(recorded);
        if (!e) continue;
        if (e.$typeName === "flick.events.v1.UserBlocked") {
          const key = { blocker_id: e.blockerId, blocked_id: e.blockedId };
          if (await edges.get(key)) continue;
          const at = toDate(e.occurredAt);
          await list.upsert({ user_id: e.blockerId, blocked_at: at, blocked_id: e.blockedId });
          await by.upsert({ user_id: e.blockedId, blocker_id: e.blockerId });
          await edges.upsert({ ...key, blocked_at: at });
        } else if (e.$typeName === "flick.events.v1.UserUnblocked") {
          await remove(e.blockerId, e.blockedId);
        } else if (e.$typeName === "flick.events.v1.AccountDeleted") {
          const u = e.userId;
          for (const row of await scanAll(edges, { blocker_id: u })) await remove(u, row.blocked_id);
          for (const row of await scanAll(by, { user_id: u })) await remove(row.blocker_id, u);
        }
      }
    },
  };
}
