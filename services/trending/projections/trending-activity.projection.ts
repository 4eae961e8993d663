// Trending activity (fast role: Redis, or PGlite embedded): per time bucket, what each
// video collected — one sorted set per bucket (see ../windows.ts), members
//   v:<video>  views                     c:<video>  completion (thousandths, capped at 1 per view)
//   l:<video>  likes minus unlikes       s:<video>  shares
//   p:<video>  published in this bucket (by its created_at; score 1)
// and an index of the buckets written, so the scorer finds them and can sweep old ones.
//
// Beside the activity, each video's listing facts (listed = public and not deleted,
// created_at, hashtags, sound) as of its latest event, so the scorer lists and groups
// thousands of videos with one multi-key read instead of a catalogue row each. They are
// a cache entry: one that expired (a month without an edit) is read from the catalogue.
//
// Exact under redelivery: every increment carries its event's id (applied once per
// bucket and member); the publish marks, the index and the facts are absolute writes
// (an edit carries every editable field; created_at and the sound never change).
import type { RecordedEvent } from "@flick/event-store";
import type { Projection } from "@flick/projection-runner";
import { VideoPrivacy } from "@flick/contracts/flick/events/v1/video_pb";
import { defineCache, defineSortedSet, type ReadStore, type ScoredMember, type ScoreIncrement } from "@flick/read-store";
import { engagementCodec, toDate } from "../../engagement/events.js";
import { mediaCodec } from "../../video/events.js";
import { bucketKey, bucketStart, GRANULARITIES } from "../windows.js";

/**
 * Redeliveries come right after a failed batch, so an hour of remembered event ids is
 * plenty, and it bounds the markers Redis keeps (four per view: two buckets, two members).
 */
export const activityBuckets = defineSortedSet("trending_activity", { dedupeWindowSeconds: 3_600 });
/** Per granularity ("m5", "h1"): member the bucket's start in ms, scored by it. */
export const activityIndex = defineSortedSet("trending_bucket_index");

/** videoId → JSON VideoFacts. */
export const videoFacts = defineCache("trending_video_facts", { ttlSeconds: 30 * 86_400 });

export interface VideoFacts {
  /** Public and not deleted (a published video is READY). */
  listed: boolean;
  /** created_at, ms since the epoch. */
  createdAt: number;
  hashtags: string[];
  soundId: string;
}

export const parseFacts = (raw: string | undefined): VideoFacts | undefined => (raw ? (JSON.parse(raw) as VideoFacts) : undefined);

export type Metric = "v" | "c" | "l" | "s" | "p";
export const member = (metric: Metric, videoId: string) => `${metric}:${videoId}`;

const PUBLISHED = "flick.events.v1.VideoPublished";
const VIDEO_EVENTS = new Set([PUBLISHED, "flick.events.v1.VideoUpdated", "flick.events.v1.VideoDeleted"]);

export function trendingActivityProjection(): Projection<ReadStore> {
  return {
    name: "trending_activity",
    version: 2,
    filter: {
      categories: ["view", "like", "share", "video"],
      eventTypes: ["flick.events.v1.VideoViewed", "flick.events.v1.VideoLiked", "flick.events.v1.VideoUnliked", "flick.events.v1.VideoShared", ...VIDEO_EVENTS],
    },
    setup: (store) => store.ensure(activityBuckets, activityIndex, videoFacts),
    async handle(events, store) {
      const increments: ScoreIncrement[] = [];
      const published = new Map<string, ScoredMember[]>();
      const touched = new Map<string, Map<string, ScoredMember>>();
      const cache = store.cache(videoFacts);
      const facts = new Map<string, VideoFacts>();
      const factsOf = async (videoId: string) => facts.get(videoId) ?? parseFacts(await cache.get(videoId));

      const at = (atMs: number, write: (key: string) => void) => {
        for (const g of GRANULARITIES) {
          const start = bucketStart(g, atMs);
          const key = bucketKey(g, start);
          let index = touched.get(g.name);
          if (!index) touched.set(g.name, (index = new Map()));
          index.set(key, { member: String(start), score: start });
          write(key);
        }
      };
      const add = (r: RecordedEvent, metric: Metric, videoId: string, by: number) => (key: string) => {
        increments.push({ key, member: member(metric, videoId), by, eventId: r.id });
      };

      for (const r of events) {
        if (VIDEO_EVENTS.has(r.type)) {
          const e = mediaCodec.decode(r);
          switch (e?.$typeName) {
            case PUBLISHED: {
              const createdAt = toDate(e.createdAt ?? e.occurredAt).getTime();
              facts.set(e.videoId, { listed: e.privacy === VideoPrivacy.PUBLIC, createdAt, hashtags: e.hashtags, soundId: e.soundId });
              const mark = { member: member("p", e.videoId), score: 1 };
              at(createdAt, (key) => (published.get(key) ?? published.set(key, []).get(key)!).push(mark));
              break;
            }
            case "flick.events.v1.VideoUpdated": {
              // Not published yet: VideoPublished will carry the edited fields.
              const known = await factsOf(e.videoId);
              if (known) facts.set(e.videoId, { ...known, listed: e.privacy === VideoPrivacy.PUBLIC, hashtags: e.hashtags });
              break;
            }
            case "flick.events.v1.VideoDeleted": {
              const known = await factsOf(e.videoId);
              if (known) facts.set(e.videoId, { ...known, listed: false });
              break;
            }
          }
          continue;
        }
        const e = engagementCodec.decode(r);
        if (!e) continue;
        const when = toDate(e.occurredAt).getTime();
        switch (e.$typeName) {
          case "flick.events.v1.VideoViewed": {
            const completion = Math.round(Math.min(1, Math.max(0, e.completionRatio || 0)) * 1000);
            at(when, (key) => {
              add(r, "v", e.videoId, 1)(key);
              if (completion > 0) add(r, "c", e.videoId, completion)(key);
            });
            break;
          }
          case "flick.events.v1.VideoLiked":
            at(when, add(r, "l", e.videoId, 1));
            break;
          case "flick.events.v1.VideoUnliked":
            at(when, add(r, "l", e.videoId, -1));
            break;
          case "flick.events.v1.VideoShared":
            at(when, add(r, "s", e.videoId, 1));
            break;
        }
      }
      const sets = store.sortedSets(activityBuckets);
      const index = store.sortedSets(activityIndex);
      await sets.incrementMany(increments);
      for (const [key, marks] of published) await sets.add(key, marks);
      if (facts.size) await cache.setMany([...facts].map(([videoId, f]) => ({ key: videoId, value: JSON.stringify(f) })));
      // The index last: a bucket it names has been written (the sweeper relies on it).
      for (const [granularity, buckets] of touched) await index.add(granularity, [...buckets.values()]);
    },
  };
}
