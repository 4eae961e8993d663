// The activity projection, fed at least once: a redelivered batch (Redis redelivers after
// a crash between writes and checkpoint) counts nothing twice, and the listing facts
// follow the video's latest event. PGlite always; Redis when REDIS_URL is set.
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { createRegistry, type Message } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { create } from "@bufbuild/protobuf";
import {
  file_flick_events_v1_engagement,
  VideoLikedSchema,
  VideoSharedSchema,
  VideoUnlikedSchema,
  VideoViewedSchema,
} from "@flick/contracts/flick/events/v1/engagement_pb";
import { file_flick_events_v1_video, VideoDeletedSchema, VideoPrivacy, VideoPublishedSchema, VideoUpdatedSchema } from "@flick/contracts/flick/events/v1/video_pb";
import { createProtobufCodec, ProjectionSpecification, recordedEventsBuilder } from "@flick/kernel";
import { createPgliteReadStore, createRedisReadStore, type ReadStore } from "@flick/read-store";
import { describe, it } from "vitest";
import { activityBuckets, activityIndex, parseFacts, trendingActivityProjection, videoFacts } from "../projections/trending-activity.projection.js";

const codec = createProtobufCodec<Message>(createRegistry(file_flick_events_v1_engagement, file_flick_events_v1_video));
const at = new Date("2026-01-01T10:07:00Z");
const earlier = new Date("2026-01-01T08:30:00Z");
const ts = timestampFromDate;
const HOUR_10 = Date.UTC(2026, 0, 1, 10);
const HOUR_8 = Date.UTC(2026, 0, 1, 8);
const M5_10_05 = Date.UTC(2026, 0, 1, 10, 5);

function activity(open: () => Promise<{ store: ReadStore; close(): Promise<void> }>) {
  const projection = trendingActivityProjection();
  return ProjectionSpecification.for({
    async setup() {
      const s = await open();
      await projection.setup!(s.store);
      return s;
    },
    handle: (events, s) => projection.handle(events, s.store),
    async read(s) {
      const sets = s.store.sortedSets(activityBuckets);
      const members = async (key: string) => Object.fromEntries((await sets.range(key, 0, 100)).map((m) => [m.member, m.score]));
      const facts = await s.store.cache(videoFacts).getMany(["vid_a", "vid_b", "vid_c"]);
      return {
        h10: await members(`h1:${HOUR_10}`),
        h8: await members(`h1:${HOUR_8}`),
        m5: await members(`m5:${M5_10_05}`),
        index: (await s.store.sortedSets(activityIndex).range("h1", 0, 10)).map((m) => m.score),
        facts: facts.map(parseFacts),
      };
    },
    teardown: (s) => s.close(),
  });
}

function history() {
  const recorded = recordedEventsBuilder<Message>(codec, { start: at });
  const view = (videoId: string, completionRatio: number) => create(VideoViewedSchema, { videoId, anonymousSessionId: "s", completionRatio, occurredAt: ts(at) });
  const publish = (videoId: string, hashtags: string[]) =>
    create(VideoPublishedSchema, { videoId, userId: "usr_c", hashtags, soundId: "snd_1", privacy: VideoPrivacy.PUBLIC, createdAt: ts(earlier), occurredAt: ts(at) });
  return [
    ...recorded("video-vid_a", [publish("vid_a", ["x"])]),
    ...recorded("video-vid_b", [publish("vid_b", ["y"])]),
    ...recorded("view-1", [view("vid_a", 0.5)]),
    ...recorded("view-2", [view("vid_a", 2.5)]), // replays count once through
    ...recorded("view-3", [view("vid_b", 0)]),
    ...recorded("like-vid_a-u1", [
      create(VideoLikedSchema, { videoId: "vid_a", userId: "u1", occurredAt: ts(at) }),
      create(VideoUnlikedSchema, { videoId: "vid_a", userId: "u1", occurredAt: ts(at) }),
      create(VideoLikedSchema, { videoId: "vid_a", userId: "u1", occurredAt: ts(at) }),
    ]),
    ...recorded("share-s1", [create(VideoSharedSchema, { shareId: "s1", videoId: "vid_b", userId: "u1", occurredAt: ts(at) })]),
    ...recorded("video-vid_a", [
      create(VideoUpdatedSchema, { videoId: "vid_a", userId: "usr_c", hashtags: ["x", "z"], privacy: VideoPrivacy.FRIENDS, occurredAt: ts(at) }),
      create(VideoUpdatedSchema, { videoId: "vid_a", userId: "usr_c", hashtags: ["z"], privacy: VideoPrivacy.PUBLIC, occurredAt: ts(at) }),
    ]),
    ...recorded("video-vid_b", [create(VideoDeletedSchema, { videoId: "vid_b", userId: "usr_c", occurredAt: ts(at) })]),
    // An edit of a video never published (still processing) leaves no facts.
    ...recorded("video-vid_c", [create(VideoUpdatedSchema, { videoId: "vid_c", userId: "usr_c", privacy: VideoPrivacy.PUBLIC, occurredAt: ts(at) })]),
  ];
}

const bucket = { "v:vid_a": 2, "c:vid_a": 1500, "l:vid_a": 1, "v:vid_b": 1, "s:vid_b": 1 };
const expected = {
  h10: bucket,
  h8: { "p:vid_a": 1, "p:vid_b": 1 },
  m5: bucket,
  index: [HOUR_10, HOUR_8],
  facts: [
    { listed: true, createdAt: earlier.getTime(), hashtags: ["z"], soundId: "snd_1" },
    { listed: false, createdAt: earlier.getTime(), hashtags: ["y"], soundId: "snd_1" },
    undefined,
  ],
};

describe("trending activity, redelivered", () => {
  it("is exact on PGlite", () =>
    activity(async () => {
      const db = new PGlite();
      return { store: createPgliteReadStore(db), close: () => db.close() };
    })
      .when(history())
      .thenIdempotent(expected));

  it.skipIf(!process.env.REDIS_URL)("is exact on Redis", async () => {
    const { Redis } = await import("ioredis");
    await activity(async () => {
      const redis = new Redis(process.env.REDIS_URL!);
      const prefix = `test${randomUUID().slice(0, 8)}:`;
      return {
        store: createRedisReadStore({ redis, prefix }),
        async close() {
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length) await redis.del(...keys);
          redis.disconnect();
        },
      };
    })
      .when(history())
      .thenIdempotent(expected);
  });
});
