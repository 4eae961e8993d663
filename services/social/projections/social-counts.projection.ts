// Follower and following counts (fast role: counters on Redis, or PGlite). Each change is
// applied once per event id, so a redelivered batch counts nothing twice. Keys:
// "followers:<user_id>", "following:<user_id>".
import type { Projection } from "@flick/projection-runner";
import { defineCounters, type CounterIncrement, type ReadStore } from "@flick/read-store";
import { socialCodec } from "../events.js";

export const socialCounters = defineCounters("social_counts");

export const countKeys = {
  followers: (userId: string) => `followers:${userId}`,
  following: (userId: string) => `following:${userId}`,
};

export function socialCountsProjection(): Projection<ReadStore> {
  return {
    name: "social_counts",
    version: 1,
    filter: { categories: ["follow"], eventTypes: ["flick.events.v1.Followed", "flick.events.v1.Unfollowed"] },
    setup: (store) => store.ensure(socialCounters),
    async handle(events, store) {
      const increments: CounterIncrement[] = [];
      for (const recorded of events) {
        const e = socialCodec.decode(recorded);
        if (e?.$typeName !== "flick.events.v1.Followed" && e?.$typeName !== "flick.events.v1.Unfollowed") continue;
        const by = e.$typeName === "flick.events.v1.Followed" ? 1 : -1;
        increments.push({ key: countKeys.followers(e.followeeId), by, eventId: recorded.id });
        increments.push({ key: countKeys.following(e.followerId), by, eventId: recorded.id });
      }
      if (increments.length > 0) await store.counters(socialCounters).incrementMany(increments);
    },
  };
}
