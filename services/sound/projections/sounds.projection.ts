// Sounds (tables role): every sound by id (seed §7 `sounds`), the public videos using
// each sound newest first (`sound_videos`), sounds newest first per origin, usage counts,
// and sounds by popularity (a sorted set per origin, scored by usage).
//
// A sound's usage is the number of its videos that are listed: READY and public. Video
// events say whether a video is listed now; what it was before is kept per video
// (`sound_video_state`, with the stream revision it reflects, kept as a tombstone after a
// deletion). An event at or below that revision was applied already and is skipped; an
// event applied only in part (a crash between the writes) is redone with the same
// before-state, and its increments, keyed by the event's id, count once.
import type { Projection } from "@flick/projection-runner";
import { defineCounters, defineSortedSet, defineTable, type ReadStore, type RowOf } from "@flick/read-store";
import { VideoPrivacy } from "@flick/contracts/flick/events/v1/video_pb";
import { mediaCodec, toDate } from "../../video/events.js";
import { CounterBuffer, ScoreBuffer, TableBuffer } from "../../video/projections/batch-writes.js";

export const soundsTable = defineTable({
  name: "sounds",
  partitionKey: [{ name: "sound_id", type: "text" }],
  columns: [
    { name: "original", type: "boolean" },
    { name: "title", type: "text" },
    { name: "artist", type: "text" },
    { name: "author_user_id", type: "text" },
    { name: "source_video_id", type: "text" },
    { name: "duration_ms", type: "int" },
    { name: "audio_path", type: "text" },
    { name: "cover_path", type: "text" },
    { name: "created_at", type: "timestamp" },
  ],
});

export const soundVideosTable = defineTable({
  name: "sound_videos",
  partitionKey: [{ name: "sound_id", type: "text" }],
  clustering: [
    { name: "created_at", type: "timestamp", order: "desc" },
    { name: "video_id", type: "text", order: "desc" },
  ],
});

/** Sounds newest first; origin "all", "library" or "original". */
export const soundsNewestTable = defineTable({
  name: "sounds_newest",
  partitionKey: [{ name: "origin", type: "text" }],
  clustering: [
    { name: "created_at", type: "timestamp", order: "desc" },
    { name: "sound_id", type: "text", order: "desc" },
  ],
});

/** What this projection last knew of each video that uses a sound. */
export const soundVideoStateTable = defineTable({
  name: "sound_video_state",
  partitionKey: [{ name: "video_id", type: "text" }],
  columns: [
    { name: "sound_id", type: "text" },
    { name: "created_at", type: "timestamp" },
    { name: "listed", type: "boolean" },
    /** Revision (in the video's stream) of the last event applied. */
    { name: "revision", type: "bigint" },
  ],
});

export const soundUsage = defineCounters("sound_usage");
/** Keys "all", "library", "original"; member sound id, score usage. */
export const soundsPopular = defineSortedSet("sounds_popular");

export type SoundRow = RowOf<typeof soundsTable>;
export type SoundOriginKey = "all" | "library" | "original";

export function soundsProjection(): Projection<ReadStore> {
  // A sound's origin never changes: known ones are kept across batches (a bulk load's
  // batches name thousands of sounds that were created batches before).
  const knownOrigins = new Map<string, SoundOriginKey[]>();
  const remember = (soundId: string, keys: SoundOriginKey[]) => {
    if (knownOrigins.size >= 100_000) knownOrigins.clear();
    knownOrigins.set(soundId, keys);
  };
  return {
    name: "sounds",
    version: 1,
    filter: {
      categories: ["sound", "video"],
      eventTypes: ["flick.events.v1.SoundCreated", "flick.events.v1.VideoPublished", "flick.events.v1.VideoUpdated", "flick.events.v1.VideoDeleted"],
    },
    setup: (store) => store.ensure(soundsTable, soundVideosTable, soundsNewestTable, soundVideoStateTable, soundUsage, soundsPopular),
    async handle(events, store) {
      const sounds = new TableBuffer(store.table(soundsTable));
      const soundVideos = new TableBuffer(store.table(soundVideosTable));
      const newest = new TableBuffer(store.table(soundsNewestTable));
      const state = new TableBuffer(store.table(soundVideoStateTable));
      const usage = new CounterBuffer(store.counters(soundUsage));
      const popular = new ScoreBuffer(store.sortedSets(soundsPopular));
      const origins = new Map<string, SoundOriginKey[]>();

      const originKeys = async (soundId: string): Promise<SoundOriginKey[]> => {
        let keys = origins.get(soundId) ?? knownOrigins.get(soundId);
        if (!keys) {
          const row = await sounds.get({ sound_id: soundId });
          keys = row ? ["all", row.original ? "original" : "library"] : ["all"];
          if (row) remember(soundId, keys);
          origins.set(soundId, keys);
        }
        return keys;
      };
      const moveUsage = async (eventId: string, soundId: string, by: number) => {
        usage.increment(soundId, by, eventId);
        for (const key of await originKeys(soundId)) popular.increment(key, soundId, by, eventId);
      };
      /** Moves a video's listing from what the state says to `listed`, counting the change once per event. */
      const relist = async (eventId: string, revision: bigint, videoId: string, soundId: string, createdAt: Date, listed: boolean) => {
        // A stream's first event (an import) has no state before it to read.
        const before = revision === 0n ? undefined : await state.get({ video_id: videoId });
        if (before?.revision != null && before.revision >= revision) return;
        const was = before?.listed === true && before.sound_id === soundId;
        if (before?.listed && before.sound_id && before.sound_id !== soundId) {
          await moveUsage(eventId, before.sound_id, -1);
          soundVideos.delete({ sound_id: before.sound_id, created_at: before.created_at!, video_id: videoId });
        }
        if (listed) soundVideos.upsert({ sound_id: soundId, created_at: createdAt, video_id: videoId });
        else soundVideos.delete({ sound_id: soundId, created_at: createdAt, video_id: videoId });
        if (listed !== was) await moveUsage(eventId, soundId, listed ? 1 : -1);
        state.upsert({ video_id: videoId, sound_id: soundId, created_at: createdAt, listed, revision });
      };

      for (const recorded of events) {
        const e = mediaCodec.decode(recorded);
        if (!e) continue;
        switch (e.$typeName) {
          case "flick.events.v1.SoundCreated": {
            const createdAt = toDate(e.occurredAt);
            sounds.upsert({
              sound_id: e.soundId,
              original: e.original,
              title: e.title,
              artist: e.artist,
              author_user_id: e.authorUserId,
              source_video_id: e.sourceVideoId,
              duration_ms: e.durationMs,
              audio_path: e.audioPath,
              cover_path: e.coverPath,
              created_at: createdAt,
            });
            origins.set(e.soundId, ["all", e.original ? "original" : "library"]);
            remember(e.soundId, ["all", e.original ? "original" : "library"]);
            for (const origin of ["all", e.original ? "original" : "library"]) {
              newest.upsert({ origin, created_at: createdAt, sound_id: e.soundId });
              // Listed with no uses yet; an increment by 0 never resets a score on replay.
              popular.increment(origin, e.soundId, 0, recorded.id);
            }
            break;
          }
          case "flick.events.v1.VideoPublished":
            if (e.soundId) await relist(recorded.id, recorded.revision, e.videoId, e.soundId, toDate(e.createdAt), e.privacy === VideoPrivacy.PUBLIC);
            break;
          case "flick.events.v1.VideoUpdated": {
            const known = await state.get({ video_id: e.videoId });
            if (known?.sound_id && known.created_at) {
              await relist(recorded.id, recorded.revision, e.videoId, known.sound_id, known.created_at, e.privacy === VideoPrivacy.PUBLIC);
            }
            break;
          }
          case "flick.events.v1.VideoDeleted": {
            const known = await state.get({ video_id: e.videoId });
            if (!known?.sound_id || !known.created_at) break;
            // The state stays, unlisted, as the tombstone that keeps replays from relisting it.
            await relist(recorded.id, recorded.revision, e.videoId, known.sound_id, known.created_at, false);
            break;
          }
        }
      }
      // The state last: until it is written, a redelivery redoes the batch's moves (once per event id).
      await sounds.flush();
      await soundVideos.flush();
      await newest.flush();
      await usage.flush();
      await popular.flush();
      await state.flush();
    },
  };
}
