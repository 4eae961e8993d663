// Views and unique viewers per video per hour (fast role), the real-time side of the
// analytics raw material: a counter per (video, hour) and a unique-viewer sketch per
// (video, hour) (analytics/unique-viewers.ts). Both are exact under replays: the counter
// by event id, the sketch because adding is a union.
import type { Projection } from "@flick/projection-runner";
import { defineCache, defineCounters, type ReadStore } from "@flick/read-store";
import { addViewers, decodeSketch, encodeSketch, estimate, viewerHash } from "../analytics/unique-viewers.js";
import { toDate, viewCodec } from "../events.js";
import { hourBucket, VIEW_RETENTION_SECONDS, viewerKey } from "./video-views.projection.js";

export const hourlyViews = defineCounters("video_hourly_views");
export const hourlyUniques = defineCache("video_hourly_uniques", { ttlSeconds: VIEW_RETENTION_SECONDS });

export const hourKey = (videoId: string, hour: string) => `${videoId}/${hour}`;

export function viewUniquesProjection(): Projection<ReadStore> {
  return {
    name: "view_uniques",
    version: 1,
    filter: { categories: ["view"] },
    setup: (store) => store.ensure(hourlyViews, hourlyUniques),
    async handle(events, store) {
      const viewers = new Map<string, number[]>();
      const increments = [];
      for (const r of events) {
        const e = viewCodec.decode(r);
        if (!e) continue;
        const key = hourKey(e.videoId, hourBucket(toDate(e.occurredAt)));
        increments.push({ key, by: 1, eventId: r.id });
        (viewers.get(key) ?? viewers.set(key, []).get(key)!).push(viewerHash(viewerKey(e.userId, e.anonymousSessionId)));
      }
      await store.counters(hourlyViews).incrementMany(increments);
      const cache = store.cache(hourlyUniques);
      const keys = [...viewers.keys()];
      const current = await cache.getMany(keys);
      const updated = keys.flatMap((k, i) => {
        const { sketch, changed } = addViewers(decodeSketch(current[i]), viewers.get(k)!);
        return changed ? [[k, encodeSketch(sketch)] as const] : [];
      });
      await Promise.all(updated.map(([k, text]) => cache.set(k, text)));
    },
  };
}

/** Estimated unique viewers of a video in each hour asked ("2026010112"). */
export async function uniqueViewers(store: ReadStore, videoId: string, hours: readonly string[]): Promise<number[]> {
  const values = await store.cache(hourlyUniques).getMany(hours.map((h) => hourKey(videoId, h)));
  return values.map((v) => estimate(decodeSketch(v)));
}
