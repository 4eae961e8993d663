// The count projection, fed at least once: a redelivered batch (Cassandra and Redis
// redeliver after a crash between writes and checkpoint) leaves every count exact. Runs
// on PGlite always and on Redis (the fast role of the server profiles) when REDIS_URL is set.
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import {
  CommentDeletedSchema,
  CommentLikedSchema,
  CommentPostedSchema,
  VideoLikedSchema,
  VideoSharedSchema,
  VideoUnlikedSchema,
  VideoViewedSchema,
} from "@flick/contracts/flick/events/v1/engagement_pb";
import { ProjectionSpecification, recordedEventsBuilder } from "@flick/kernel";
import { createPgliteReadStore, createRedisReadStore, type ReadStore } from "@flick/read-store";
import type { Projection } from "@flick/projection-runner";
import { describe, it } from "vitest";
import { engagementCodec, event, type EngagementEvent } from "../events.js";
import { hourKey, hourlyViews, uniqueViewers, viewUniquesProjection } from "../projections/view-uniques.projection.js";
import {
  commentKey,
  commentRanking,
  commentStats,
  engagementCountsProjection,
  statKey,
  videoStats,
} from "../projections/engagement-counts.projection.js";

const at = new Date("2026-01-01T00:00:00Z");
const v = "vid_1";
const c = "c1";
const post = (commentId: string, authorId: string, parentCommentId = "") =>
  event(CommentPostedSchema, { commentId, videoId: v, videoCreatorId: c, authorId, parentCommentId, replyToUserId: parentCommentId ? "x" : "", text: "t", occurredAt: at });

type OpenStore = () => Promise<{ store: ReadStore; close(): Promise<void> }>;

/** A projection fed on a fresh store, read back through `read`. */
function specification<R>(projection: Projection<ReadStore>, read: (store: ReadStore) => Promise<R>) {
  return (open: OpenStore) =>
    ProjectionSpecification.for({
      async setup() {
        const s = await open();
        await projection.setup!(s.store);
        return s;
      },
      handle: (events, s) => projection.handle(events, s.store),
      read: (s) => read(s.store),
      teardown: (s) => s.close(),
    });
}

const counts = specification(engagementCountsProjection(), async (store) => {
  const stats = await store.counters(videoStats).getMany(["views", "likes", "comments", "shares"].map((k) => statKey(v, k as "views")));
  const perComment = await store.counters(commentStats).getMany([commentKey("k1", "likes"), commentKey("k1", "replies"), commentKey("k2", "replies")]);
  const ranking = (await store.sortedSets(commentRanking).top(v, 10)).map((m) => m.member);
  return { stats, perComment, ranking };
});

function history() {
  const recorded = recordedEventsBuilder<EngagementEvent>(engagementCodec, { start: at });
  return [
    ...recorded("view-1", [event(VideoViewedSchema, { videoId: v, userId: "u1", videoCreatorId: c, watchTimeMs: 1, completionRatio: 0.1, occurredAt: at })]),
    ...recorded("view-2", [event(VideoViewedSchema, { videoId: v, anonymousSessionId: "s", videoCreatorId: c, watchTimeMs: 1, completionRatio: 0.1, occurredAt: at })]),
    ...recorded(`like-${v}-u1`, [
      event(VideoLikedSchema, { videoId: v, userId: "u1", videoCreatorId: c, occurredAt: at }),
      event(VideoUnlikedSchema, { videoId: v, userId: "u1", videoCreatorId: c, occurredAt: at }),
      event(VideoLikedSchema, { videoId: v, userId: "u1", videoCreatorId: c, occurredAt: at }),
    ]),
    ...recorded(`like-${v}-u2`, [event(VideoLikedSchema, { videoId: v, userId: "u2", videoCreatorId: c, occurredAt: at })]),
    ...recorded("share-s1", [event(VideoSharedSchema, { shareId: "s1", videoId: v, userId: "u1", videoCreatorId: c, occurredAt: at })]),
    ...recorded("comment-k1", [post("k1", "u1")]),
    ...recorded("comment-k2", [post("k2", "u2")]),
    ...recorded("comment-r1", [post("r1", "u2", "k1")]),
    ...recorded("comment-r2", [post("r2", c, "k2")]),
    ...recorded("comment-r3", [post("r3", "u3", "k2")]),
    ...recorded(`comment-like-k1-u2`, [event(CommentLikedSchema, { commentId: "k1", videoId: v, commentAuthorId: "u1", userId: "u2", videoCreatorId: c, occurredAt: at })]),
    // Deleting k2 hides its two replies: the video's count drops by three.
    ...recorded("comment-k2", [
      event(CommentDeletedSchema, { commentId: "k2", videoId: v, videoCreatorId: c, authorId: "u2", deletedById: "u2", occurredAt: at }),
    ]),
  ];
}

const expected = { stats: [2, 2, 2, 1], perComment: [1, 1, 2], ranking: ["k1"] };

/** A fresh fast-role store: PGlite in memory, or a key prefix of its own on Redis. */
async function pglite() {
  const db = new PGlite();
  return { store: createPgliteReadStore(db), close: () => db.close() };
}
async function redis() {
  const { Redis } = await import("ioredis");
  const client = new Redis(process.env.REDIS_URL!);
  return { store: createRedisReadStore({ redis: client, prefix: `test${randomUUID().slice(0, 8)}:` }), close: async () => void client.disconnect() };
}

describe("engagement counts, redelivered", () => {
  it("are exact on PGlite", () => counts(pglite).when(history()).thenIdempotent(expected));
  it.skipIf(!process.env.REDIS_URL)("are exact on Redis", () => counts(redis).when(history()).thenIdempotent(expected));
});

// Views and unique viewers per hour (analytics raw material), redelivered: the counter by
// event id, the sketch because adding is a union.
const hourly = specification(viewUniquesProjection(), async (store) => {
  const hours = ["2026010100", "2026010101"];
  return { views: await store.counters(hourlyViews).getMany(hours.map((h) => hourKey(v, h))), uniques: await uniqueViewers(store, v, hours) };
});

function views() {
  const recorded = recordedEventsBuilder<EngagementEvent>(engagementCodec, { start: at });
  const later = new Date(at.getTime() + 3_600_000);
  const view = (n: number, who: { userId?: string; anonymousSessionId?: string }, when = at) =>
    recorded(`view-${n}`, [event(VideoViewedSchema, { videoId: v, ...who, videoCreatorId: c, watchTimeMs: 1, completionRatio: 0.1, occurredAt: when })]);
  return [
    ...view(1, { userId: "u1" }),
    ...view(2, { userId: "u1" }),
    ...view(3, { userId: "u2" }),
    ...view(4, { anonymousSessionId: "s1" }),
    ...view(5, { userId: "u1" }, later),
  ];
}

describe("hourly views and unique viewers, redelivered", () => {
  const expectedHourly = { views: [4, 1], uniques: [3, 1] };
  it("are exact on PGlite", () => hourly(pglite).when(views()).thenIdempotent(expectedHourly));
  it.skipIf(!process.env.REDIS_URL)("are exact on Redis", () => hourly(redis).when(views()).thenIdempotent(expectedHourly));
});
