// Pending follow requests to private accounts (tables role), newest first:
//   request_edges      (follower_id | followee_id)             "has A asked B", requested_at
//   incoming_requests  (user_id | requested_at DESC, follower_id) requests to a user
//   sent_requests      (user_id | requested_at DESC, followee_id) a user's own requests
// A request leaves on approval, decline or cancellation (also by a block or a deletion).
import type { Projection } from "@flick/projection-runner";
import { defineTable, type ReadStore } from "@flick/read-store";
import { toDate } from "../../identity/events.js";
import { socialCodec } from "../events.js";

export const requestEdgesTable = defineTable({
  name: "request_edges",
  partitionKey: [{ name: "follower_id", type: "text" }],
  clustering: [{ name: "followee_id", type: "text" }],
  columns: [{ name: "requested_at", type: "timestamp" }],
});

export const incomingRequestsTable = defineTable({
  name: "incoming_requests",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [
    { name: "requested_at", type: "timestamp", order: "desc" },
    { name: "follower_id", type: "text" },
  ],
});

export const sentRequestsTable = defineTable({
  name: "sent_requests",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [
    { name: "requested_at", type: "timestamp", order: "desc" },
    { name: "followee_id", type: "text" },
  ],
});

const CLOSING = new Set([
  "flick.events.v1.FollowApproved",
  "flick.events.v1.FollowDeclined",
  "flick.events.v1.FollowRequestCancelled",
]);

export function followRequestsProjection(): Projection<ReadStore> {
  return {
    name: "follow_requests",
    version: 1,
    filter: { categories: ["follow"], eventTypes: ["flick.events.v1.FollowRequested", ...CLOSING] },
    setup: (store) => store.ensure(requestEdgesTable, incomingRequestsTable, sentRequestsTable),
    async handle(events, store) {
      const edges = store.table(requestEdgesTable);
      const incoming = store.table(incomingRequestsTable);
      const sent = store.table(sentRequestsTable);
      for (const recorded of events) {
        const e = socialCodec.decode(recorded);
        if (!e || !("followerId" in e)) continue;
        const key = { follower_id: e.followerId, followee_id: e.followeeId };
        if (e.$typeName === "flick.events.v1.FollowRequested") {
          if (await edges.get(key)) continue;
          const at = toDate(e.occurredAt);
          await incoming.upsert({ user_id: e.followeeId, requested_at: at, follower_id: e.followerId });
          await sent.upsert({ user_id: e.followerId, requested_at: at, followee_id: e.followeeId });
          await edges.upsert({ ...key, requested_at: at });
        } else if (CLOSING.has(e.$typeName)) {
          const edge = await edges.get(key);
          if (!edge?.requested_at) continue;
          await incoming.delete({ user_id: e.followeeId, requested_at: edge.requested_at, follower_id: e.followerId });
          await sent.delete({ user_id: e.followerId, requested_at: edge.requested_at, followee_id: e.followeeId });
          await edges.delete(key);
        }
      }
    },
  };
}
