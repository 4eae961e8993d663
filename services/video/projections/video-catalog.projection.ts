// The video catalogue (tables role): every video by id (the player's metadata, seed §7
// `videos`), each creator's videos newest and oldest first (`user_videos`), and the
// remixes of each video (duets and stitches by source). Written once against the
// read-store ports; runs on PGlite, PostgreSQL and Cassandra. Idempotent: every write is
// an upsert or a delete of a known key, so a batch delivered twice converges.
//
// Stats (views, likes, …) are not here: they belong to the engagement read models.
import type { Projection } from "@flick/projection-runner";
import { defineSet, defineTable, type ReadStore, type RowOf } from "@flick/read-store";
import { VideoRemixKind, type HlsPlayback, type VideoEffects, type VideoPublished, type VideoRemix } from "@flick/contracts/flick/events/v1/video_pb";
import { mediaCodec, toDate } from "../events.js";
import { SetBuffer, TableBuffer } from "./batch-writes.js";

export const videosTable = defineTable({
  name: "videos",
  partitionKey: [{ name: "video_id", type: "text" }],
  columns: [
    { name: "user_id", type: "text" },
    { name: "upload_id", type: "text" },
    /** processing | ready | failed */
    { name: "status", type: "text" },
    { name: "caption", type: "text" },
    { name: "hashtags", type: "json" },
    { name: "mentions", type: "json" },
    { name: "sound_id", type: "text" },
    { name: "privacy", type: "int" },
    { name: "duet_enabled", type: "boolean" },
    { name: "stitch_enabled", type: "boolean" },
    { name: "comment_enabled", type: "boolean" },
    { name: "effects", type: "json" },
    /** {kind, source_video_id, source_creator_id, clip_start_ms, clip_end_ms}; null when none or the source is gone. */
    { name: "remix", type: "json" },
    /** {master, renditions: [{quality, width, height, bandwidth, playlist}]} */
    { name: "playback", type: "json" },
    { name: "playable", type: "boolean" },
    { name: "thumbnail_path", type: "text" },
    { name: "duration_ms", type: "int" },
    { name: "width", type: "int" },
    { name: "height", type: "int" },
    { name: "imported", type: "boolean" },
    { name: "failure_reason", type: "int" },
    { name: "failure_message", type: "text" },
    { name: "created_at", type: "timestamp" },
    { name: "updated_at", type: "timestamp" },
  ],
});

const userVideoColumns = [
  { name: "status", type: "text" },
  { name: "privacy", type: "int" },
] as const;

/** A profile's grid, newest first. */
export const userVideosTable = defineTable({
  name: "user_videos",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [
    { name: "created_at", type: "timestamp", order: "desc" },
    { name: "video_id", type: "text", order: "desc" },
  ],
  columns: userVideoColumns,
});

/** The same grid oldest first (a clustering order is fixed per table). */
export const userVideosOldestTable = defineTable({
  name: "user_videos_oldest",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [
    { name: "created_at", type: "timestamp", order: "asc" },
    { name: "video_id", type: "text", order: "asc" },
  ],
  columns: userVideoColumns,
});

/** Remixes of a source video; kind "all" holds every remix, "duet"/"stitch" one kind. */
export const videoRemixesTable = defineTable({
  name: "video_remixes",
  partitionKey: [
    { name: "source_video_id", type: "text" },
    { name: "kind", type: "text" },
  ],
  clustering: [
    { name: "created_at", type: "timestamp", order: "desc" },
    { name: "video_id", type: "text", order: "desc" },
  ],
  columns: [{ name: "status", type: "text" }],
});

/**
 * Per creator, sets of video ids: `<user>:all` every video (any status),
 * `<user>:ready:<privacy>` the READY ones by privacy — a profile's video count as each
 * viewer may see it is a sum of sizes. Sets, not counters: membership is set absolutely
 * from each row, so a redelivered batch converges whatever order it left things in.
 */
export const userVideoSets = defineSet("user_video_sets");
export const PRIVACIES = [1, 2, 3] as const;
export const countKeys = {
  all: (userId: string) => `${userId}:all`,
  ready: (userId: string, privacy: number) => `${userId}:ready:${privacy}`,
};

export type VideoRow = RowOf<typeof videosTable>;

export interface PlaybackJson {
  master: string;
  renditions: { quality: string; width: number; height: number; bandwidth: number; playlist: string }[];
}

export interface RemixJson {
  kind: "duet" | "stitch";
  source_video_id: string;
  source_creator_id: string;
  clip_start_ms: number;
  clip_end_ms: number;
}

export interface EffectsJson {
  speed: number;
  color_filter: number;
  green_screen_background_upload_id: string;
}

export const playbackJson = (p: HlsPlayback | undefined): PlaybackJson | null =>
  p
    ? {
        master: p.masterPlaylistPath,
        renditions: p.renditions.map((r) => ({ quality: r.quality, width: r.width, height: r.height, bandwidth: r.bandwidth, playlist: r.playlistPath })),
      }
    : null;

export const remixJson = (r: VideoRemix | undefined): RemixJson | null =>
  r && r.kind !== VideoRemixKind.UNSPECIFIED
    ? {
        kind: r.kind === VideoRemixKind.DUET ? "duet" : "stitch",
        source_video_id: r.sourceVideoId,
        source_creator_id: r.sourceCreatorId,
        clip_start_ms: r.clipStartMs,
        clip_end_ms: r.clipEndMs,
      }
    : null;

const effectsJson = (e: VideoEffects | undefined): EffectsJson | null =>
  e ? { speed: e.speed, color_filter: e.colorFilter, green_screen_background_upload_id: e.greenScreenBackgroundUploadId } : null;

function publishedRow(e: VideoPublished): VideoRow {
  return {
    video_id: e.videoId,
    user_id: e.userId,
    upload_id: e.uploadId,
    status: "ready",
    caption: e.caption,
    hashtags: e.hashtags,
    mentions: e.mentionedUserIds,
    sound_id: e.soundId,
    privacy: e.privacy,
    duet_enabled: e.duetEnabled,
    stitch_enabled: e.stitchEnabled,
    comment_enabled: e.commentEnabled,
    effects: effectsJson(e.effects),
    remix: remixJson(e.remix),
    playback: playbackJson(e.playback),
    playable: true,
    thumbnail_path: e.thumbnailPath,
    duration_ms: e.durationMs,
    width: e.width,
    height: e.height,
    imported: e.imported,
    failure_reason: 0,
    failure_message: "",
    created_at: toDate(e.createdAt),
  };
}

export function videoCatalogProjection(): Projection<ReadStore> {
  return {
    name: "video-catalog",
    version: 1,
    filter: { categories: ["video"] },
    setup: (store) => store.ensure(videosTable, userVideosTable, userVideosOldestTable, videoRemixesTable, userVideoSets),
    async handle(events, store) {
      // Every write goes through write-behind buffers, flushed at the end of the batch
      // (the videos table's partial upserts merge per row; reads see them).
      const videos = new TableBuffer(store.table(videosTable));
      const grid = new TableBuffer(store.table(userVideosTable));
      const gridOldest = new TableBuffer(store.table(userVideosOldestTable));
      const remixes = new TableBuffer(store.table(videoRemixesTable));
      const sets = new SetBuffer(store.sets(userVideoSets));
      const flush = async () => {
        await videos.flush();
        await grid.flush();
        await gridOldest.flush();
        await remixes.flush();
        await sets.flush();
      };

      /**
       * Puts the video in exactly the count sets its row says (none once deleted). The
       * first event of a stream (`fresh`) cannot have put it anywhere yet: adds suffice.
       */
      const recount = (videoId: string, userId: string | null | undefined, after: VideoRow | undefined, at: Date, fresh: boolean) => {
        if (!userId) return;
        const member = after ? [countKeys.all(userId), ...(after.status === "ready" ? [countKeys.ready(userId, after.privacy ?? 0)] : [])] : [];
        const keys = fresh ? member : [countKeys.all(userId), ...PRIVACIES.map((p) => countKeys.ready(userId, p))];
        for (const key of keys) sets.set(key, videoId, member.includes(key), at);
      };
      const indexRows = (row: VideoRow) => {
        const entry = { user_id: row.user_id!, created_at: row.created_at!, video_id: row.video_id, status: row.status ?? "processing", privacy: row.privacy ?? 0 };
        grid.upsert(entry);
        gridOldest.upsert(entry);
        const remix = row.remix as RemixJson | null | undefined;
        if (remix) {
          for (const kind of ["all", remix.kind]) {
            remixes.upsert({ source_video_id: remix.source_video_id, kind, created_at: row.created_at!, video_id: row.video_id, status: entry.status });
          }
        }
      };
      /** After a partial upsert: the row as stored, re-indexed and re-counted. */
      const refresh = async (videoId: string, at: Date) => {
        const row = await videos.get({ video_id: videoId });
        if (!row?.user_id || !row.created_at) return;
        indexRows(row);
        recount(videoId, row.user_id, row, at, false);
      };

      for (const recorded of events) {
        const e = mediaCodec.decode(recorded);
        if (!e) continue;
        const at = recorded.recordedAt;
        const fresh = recorded.revision === 0n;
        switch (e.$typeName) {
          case "flick.events.v1.UploadCompleted": {
            const row: VideoRow = {
              video_id: e.videoId,
              user_id: e.userId,
              upload_id: e.uploadId,
              status: "processing",
              caption: e.caption,
              hashtags: e.hashtags,
              mentions: e.mentionedUserIds,
              sound_id: e.soundId,
              privacy: e.privacy,
              duet_enabled: e.duetEnabled,
              stitch_enabled: e.stitchEnabled,
              comment_enabled: e.commentEnabled,
              effects: effectsJson(e.effects),
              remix: remixJson(e.remix),
              playback: null,
              playable: false,
              thumbnail_path: "",
              duration_ms: 0,
              width: 0,
              height: 0,
              imported: false,
              failure_reason: 0,
              failure_message: "",
              created_at: toDate(e.occurredAt),
            };
            videos.upsert(row);
            indexRows(row);
            recount(e.videoId, e.userId, row, at, fresh);
            break;
          }
          case "flick.events.v1.VideoProcessingProgressed":
            if (e.playable && e.playback) videos.upsert({ video_id: e.videoId, playable: true, playback: playbackJson(e.playback) });
            break;
          case "flick.events.v1.VideoProcessingFailed":
            if (!e.willRetry) {
              videos.upsert({ video_id: e.videoId, status: "failed", failure_reason: e.reason, failure_message: e.message });
              await refresh(e.videoId, at);
            }
            break;
          case "flick.events.v1.VideoPublished": {
            const row = publishedRow(e);
            videos.upsert(row);
            indexRows(row);
            recount(e.videoId, e.userId, row, at, fresh);
            break;
          }
          case "flick.events.v1.VideoUpdated":
            videos.upsert({
              video_id: e.videoId,
              caption: e.caption,
              hashtags: e.hashtags,
              mentions: e.mentionedUserIds,
              privacy: e.privacy,
              duet_enabled: e.duetEnabled,
              stitch_enabled: e.stitchEnabled,
              comment_enabled: e.commentEnabled,
              updated_at: toDate(e.occurredAt),
            });
            await refresh(e.videoId, at);
            break;
          case "flick.events.v1.VideoDeleted": {
            const row = await videos.get({ video_id: e.videoId });
            if (!row) break;
            if (row.user_id && row.created_at) {
              const key = { user_id: row.user_id, created_at: row.created_at, video_id: e.videoId };
              grid.delete(key);
              gridOldest.delete(key);
            }
            const remix = row.remix as RemixJson | null | undefined;
            if (remix && row.created_at) {
              for (const kind of ["all", remix.kind]) remixes.delete({ source_video_id: remix.source_video_id, kind, created_at: row.created_at, video_id: e.videoId });
            }
            recount(e.videoId, row.user_id, undefined, at, false);
            // Written before the row goes: a redelivery finds the row and redoes all of it.
            await flush();
            // Its remixes stay but lose their source.
            const sourceOf = remixes.table;
            for (let cursor: string | undefined, first = true; first || cursor; first = false) {
              const page = await sourceOf.scan({ source_video_id: e.videoId, kind: "all" }, { limit: 500, cursor });
              await videos.table.upsertBatch(page.rows.map((r) => ({ video_id: r.video_id, remix: null })));
              cursor = page.cursor;
            }
            for (const kind of ["all", "duet", "stitch"]) await sourceOf.deletePartition({ source_video_id: e.videoId, kind });
            await videos.table.delete({ video_id: e.videoId });
            break;
          }
        }
      }
      await flush();
    },
  };
}
