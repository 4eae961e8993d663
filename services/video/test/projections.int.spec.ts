// The video, sound and hashtag read models, given/when/then on a real read store
// (PGlite): each is what the events say, and stays exactly that when a batch is
// delivered twice (as on Cassandra and Redis).
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { SoundCreatedSchema } from "@flick/contracts/flick/events/v1/sound_pb";
import {
  HlsPlaybackSchema,
  UploadCompletedSchema,
  VideoDeletedSchema,
  VideoDeletionReason,
  VideoPrivacy,
  VideoProcessingFailedSchema,
  VideoPublishedSchema,
  VideoRemixKind,
  VideoRemixSchema,
  VideoUpdatedSchema,
} from "@flick/contracts/flick/events/v1/video_pb";
import { create } from "@bufbuild/protobuf";
import { ProjectionSpecification, recordedEventsBuilder, sqlFromPglite } from "@flick/kernel";
import type { Projection } from "@flick/projection-runner";
import { createPostgresReadStore, type ReadStore } from "@flick/read-store";
import { afterAll, beforeAll, describe, it } from "vitest";
import { hashtagsProjection, hashtagVideoCounts, hashtagVideosTable } from "../../hashtag/projections/hashtags.projection.js";
import { scanAll } from "../../social/paging.js";
import { soundsPopular, soundsProjection, soundUsage, soundVideosTable } from "../../sound/projections/sounds.projection.js";
import { event, mediaCodec, ts } from "../events.js";
import { JOBS_KEY, mediaJobs, mediaJobsProjection } from "../projections/media-jobs.projection.js";
import { countKeys, userVideoSets, userVideosTable, videoCatalogProjection, videoRemixesTable, videosTable } from "../projections/video-catalog.projection.js";

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
});
afterAll(() => db?.close());

function underTest<Model>(projection: Projection<ReadStore>, read: (store: ReadStore) => Promise<Model>) {
  return ProjectionSpecification.for<ReadStore, Model>({
    async setup() {
      const store = createPostgresReadStore({ sql: sqlFromPglite(db), engine: "pglite", schema: `spec_${randomUUID().replaceAll("-", "")}` });
      await projection.setup?.(store);
      return store;
    },
    handle: (events, store) => projection.handle(events, store),
    read,
  });
}

const t = (min: number) => new Date(Date.UTC(2026, 2, 1, 10, min));
const playback = create(HlsPlaybackSchema, { masterPlaylistPath: "videos/v/master.m3u8" });
const published = (videoId: string, min: number, over: Record<string, unknown> = {}) =>
  event(VideoPublishedSchema, {
    videoId,
    userId: "ana",
    caption: "#a #b",
    hashtags: ["a", "b"],
    soundId: "snd_1",
    privacy: VideoPrivacy.PUBLIC,
    playback,
    durationMs: 10_000,
    createdAt: ts(t(min)),
    occurredAt: t(min),
    ...over,
  });
const updated = (videoId: string, min: number, over: Record<string, unknown>) =>
  event(VideoUpdatedSchema, { videoId, userId: "ana", caption: "#a #b", hashtags: ["a", "b"], privacy: VideoPrivacy.PUBLIC, occurredAt: t(min), ...over });
const deleted = (videoId: string, min: number) => event(VideoDeletedSchema, { videoId, userId: "ana", reason: VideoDeletionReason.BY_CREATOR, occurredAt: t(min) });

describe("video catalogue", () => {
  const spec = underTest(videoCatalogProjection(), async (store) => ({
    v1: (await store.table(videosTable).get({ video_id: "v1" }))?.status ?? "none",
    grid: (await scanAll(store.table(userVideosTable), { user_id: "ana" })).map((r) => `${r.video_id}:${r.status}`),
    remixes: (await scanAll(store.table(videoRemixesTable), { source_video_id: "v1", kind: "duet" })).map((r) => r.video_id),
    counts: [await store.sets(userVideoSets).size(countKeys.all("ana")), await store.sets(userVideoSets).size(countKeys.ready("ana", VideoPrivacy.PUBLIC))],
  }));

  it("lists a creator's videos newest first, with their status, and duets by source", async () => {
    const e = recordedEventsBuilder(mediaCodec);
    const duet = create(VideoRemixSchema, { kind: VideoRemixKind.DUET, sourceVideoId: "v1", sourceCreatorId: "ana" });
    await spec
      .when([
        ...e("video-v1", [published("v1", 1)]),
        ...e("video-v2", [event(UploadCompletedSchema, { uploadId: "u2", videoId: "v2", userId: "ana", privacy: VideoPrivacy.PUBLIC, remix: duet, occurredAt: t(2) })]),
      ])
      .thenIdempotent({ v1: "ready", grid: ["v2:processing", "v1:ready"], remixes: ["v2"], counts: [2, 1] });
  });

  it("merges one batch's partial writes of a video as if each came alone (upload, failure, edit)", async () => {
    const e = recordedEventsBuilder(mediaCodec);
    const row = underTest(videoCatalogProjection(), async (store) => {
      const r = await store.table(videosTable).get({ video_id: "v3" });
      return {
        row: r && [r.status, r.caption, r.privacy, r.failure_message, r.playable, r.user_id],
        grid: (await scanAll(store.table(userVideosTable), { user_id: "ana" })).map((x) => `${x.video_id}:${x.status}:${x.privacy}`),
      };
    });
    const history = e("video-v3", [event(UploadCompletedSchema, { uploadId: "u3", videoId: "v3", userId: "ana", caption: "first", privacy: VideoPrivacy.PUBLIC, occurredAt: t(1) })]);
    const batch = e("video-v3", [
      event(VideoProcessingFailedSchema, { videoId: "v3", message: "not a video", willRetry: false, occurredAt: t(2) }),
      updated("v3", 3, { caption: "edited", privacy: VideoPrivacy.PRIVATE }),
    ]);
    const expected = { row: ["failed", "edited", VideoPrivacy.PRIVATE, "not a video", false, "ana"], grid: [`v3:failed:${VideoPrivacy.PRIVATE}`] };
    await row.given(history).when(batch).thenIdempotent(expected);
    await row.when([...history, ...batch]).thenIdempotent(expected);
  });

  it("forgets a deleted video everywhere", async () => {
    const e = recordedEventsBuilder(mediaCodec);
    await spec
      .given(e("video-v1", [published("v1", 1)]))
      .when(e("video-v1", [updated("v1", 2, { privacy: VideoPrivacy.PRIVATE }), deleted("v1", 3)]))
      .thenIdempotent({ v1: "none", grid: [], remixes: [], counts: [0, 0] });
  });
});

describe("hashtags", () => {
  const spec = underTest(hashtagsProjection(), async (store) => ({
    counts: await store.counters(hashtagVideoCounts).getMany(["a", "b", "c"]),
    a: (await scanAll(store.table(hashtagVideosTable), { hashtag: "a" })).map((r) => r.video_id),
  }));

  it("counts and lists public videos per hashtag, following edits", async () => {
    const e = recordedEventsBuilder(mediaCodec);
    await spec
      .when([
        ...e("video-v1", [published("v1", 1)]),
        ...e("video-v2", [published("v2", 2, { caption: "#a", hashtags: ["a"] })]),
        ...e("video-v3", [published("v3", 3, { privacy: VideoPrivacy.FRIENDS })]),
        ...e("video-v1", [updated("v1", 4, { caption: "#a #c", hashtags: ["a", "c"] })]),
      ])
      .thenIdempotent({ counts: [2, 0, 1], a: ["v2", "v1"] });
  });

  it("stays exact when a batch with edits that changed nothing is delivered again", async () => {
    const e = recordedEventsBuilder(mediaCodec);
    await spec
      .given(e("video-v1", [published("v1", 1)]))
      .when(e("video-v1", [updated("v1", 2, { caption: "#a #b!" }), updated("v1", 3, { privacy: VideoPrivacy.PRIVATE }), updated("v1", 4, { privacy: VideoPrivacy.PUBLIC }), deleted("v1", 5)]))
      .thenIdempotent({ counts: [0, 0, 0], a: [] });
  });
});

describe("sounds", () => {
  const spec = underTest(soundsProjection(), async (store) => ({
    usage: await store.counters(soundUsage).get("snd_1"),
    popular: (await store.sortedSets(soundsPopular).top("original", 5)).map((m) => `${m.member}:${m.score}`),
    videos: (await scanAll(store.table(soundVideosTable), { sound_id: "snd_1" })).map((r) => r.video_id),
  }));
  const created = (id: string, min: number) => event(SoundCreatedSchema, { soundId: id, original: true, title: "original sound", authorUserId: "ana", audioPath: `sounds/${id}/audio.m4a`, occurredAt: t(min) });

  it("counts the public videos using a sound and ranks sounds by it", async () => {
    const e = recordedEventsBuilder(mediaCodec);
    await spec
      .when([
        ...e("sound-snd_1", [created("snd_1", 0)]),
        ...e("sound-snd_2", [created("snd_2", 0)]),
        ...e("video-v1", [published("v1", 1)]),
        ...e("video-v2", [published("v2", 2)]),
        ...e("video-v3", [published("v3", 3, { privacy: VideoPrivacy.PRIVATE })]),
        ...e("video-v2", [updated("v2", 4, { privacy: VideoPrivacy.FRIENDS })]),
        ...e("video-v3", [updated("v3", 5, { privacy: VideoPrivacy.PUBLIC })]),
        ...e("video-v1", [deleted("v1", 6)]),
      ])
      .thenIdempotent({ usage: 1, popular: ["snd_1:1", "snd_2:0"], videos: ["v3"] });
  });
});

describe("media jobs queue", () => {
  const backoff = { baseMs: 1000, maxMs: 8000 };
  const spec = underTest(mediaJobsProjection(backoff), async (store) => (await store.sortedSets(mediaJobs).top(JOBS_KEY, 10)).map((m) => `${m.member}@${-m.score - t(0).getTime()}`));
  const failed = (attempt: number, min: number, willRetry: boolean, videoId = "v1") =>
    event(VideoProcessingFailedSchema, { videoId, jobId: "j", attempt, reason: 8, message: "x", willRetry, occurredAt: t(min) });

  it("queues a completed upload, backs a retried failure off exponentially, drops a finished job", async () => {
    const e = recordedEventsBuilder(mediaCodec);
    const completed = (id: string, min: number) => event(UploadCompletedSchema, { uploadId: `u-${id}`, videoId: id, userId: "ana", occurredAt: t(min) });
    await spec
      .when([
        ...e("upload-u-v1", [completed("v1", 1)]),
        ...e("upload-u-v2", [completed("v2", 2)]),
        ...e("video-v2", [completed("v2", 2)]), // the video's own copy is not a second job
        ...e("video-v1", [failed(1, 3, true), failed(2, 4, true)]),
        ...e("video-v2", [published("v2", 5)]),
      ])
      .thenIdempotent([`v1@${4 * 60_000 + 2000}`]);
    await spec.when([...e("upload-u-v3", [completed("v3", 1)]), ...e("video-v3", [failed(1, 2, false, "v3")])]).thenIdempotent([]);
  });
});
