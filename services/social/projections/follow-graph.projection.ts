// The follow graph (tables role), in both directions and ordered by time, newest first:
//   follow_edges  (follower_id | followee_id)        "does A follow B", since, friends_since
//   followers     (user_id | since DESC, follower_id) who follows a user
//   following     (user_id | since DESC, followee_id) whom a user follows
//   friends       (user_id | since DESC, friend_id)   mutual follows, since the later follow
// Only Followed and Unfollowed change it. The edge row is the marker: written last when
// an edge appears and deleted last when it goes, so a batch delivered twice (Cassandra,
// whose checkpoint is not atomic with the writes) converges to the same rows.
import type { Projection } from "@flick/projection-runner";
import { defineTable, type ReadStore } from "@flick/read-store";
import { toDate } from "../../identity/events.js";
import { socialCodec } from "../events.js";

export const followEdgesTable = defineTable({
  name: "follow_edges",
  partitionKey: [{ name: "follower_id", type: "text" }],
  clustering: [{ name: "followee_id", type: "text" }],
  columns: [
    { name: "since", type: "timestamp" },
    { name: "friends_since", type: "timestamp" },
  ],
});

export const followersTable = defineTable({
  name: "followers",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [
    { name: "since", type: "timestamp", order: "desc" },
    { name: "follower_id", type: "text" },
  ],
});

export const followingTable = defineTable({
  name: "following",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [
    { name: "since", type: "timestamp", order: "desc" },
    { name: "followee_id", type: "text" },
  ],
});

export const friendsTable = defineTable({
  name: "friends",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [
    { name: "since", type: "timestamp", order: "desc" },
    { name: "friend_id", type: "text" },
  ],
});

export function followGraphProjection(): Projection<ReadStore> {
  return {
    name: "follow_graph",
    version: 1,
    filter: { categories: ["follow"], eventTypes: ["flick.events.v1.Followed", "flick.events.v1.Unfollowed"] },
    setup: (store) => store.ensure(followEdgesTable, followersTable, followingTable, friendsTable),
    async handle(events, store) {
      const edges = store.table(followEdgesTable);
      const followers = store.table(followersTable);
      const following = store.table(followingTable);
      const friends = store.table(friendsTable);
      for (const recorded of events) {
        const e = socialCodec.decode(recorded);
        if (!e) continue;
        if (e.$typeName === "flick.events.v1.Followed") {
          const a = e.followerId;
          const b = e.followeeId;
          if (await edges.get({ follower_id: a, followee_id: b })) continue;
          const at = toDate(e.occurredAt);
          const mutual = (await edges.get({ follower_id: b, followee_id: a })) !== undefined;
          await followers.upsert({ user_id: b, since: at, follower_id: a });
          await following.upsert({ user_id: a, since: at, followee_id: b });
          if (mutual) {
            await friends.upsert({ user_id: a, since: at, friend_id: b });
            await friends.upsert({ user_id: b, since: at, friend_id: a });
            await edges.upsert({ follower_id: b, followee_id: a, friends_since: at });
          }
          await edges.upsert({ follower_id: a, followee_id: b, since: at, friends_since: mutual ? at : null });
        } else if (e.$typeName === "flick.events.v1.Unfollowed") {
          const a = e.followerId;
          const b = e.followeeId;
          const edge = await edges.get({ follower_id: a, followee_id: b });
          if (!edge?.since) continue;
          await followers.delete({ user_id: b, since: edge.since, follower_id: a });
          await following.delete({ user_id: a, since: edge.since, followee_id: b });
          if (edge.friends_since) {
            await friends.delete({ user_id: a, since: edge.friends_since, friend_id: b });
            await friends.delete({ user_id: b, since: edge.friends_since, friend_id: a });
            if (await edges.get({ follower_id: b, followee_id: a })) await edges.upsert({ follower_id: b, followee_id: a, friends_since: null });
          }
          await edges.delete({ follower_id: a, followee_id: b });
        }
      }
    },
  };
}
