// Example projection, written once against the read-store ports and run by the projection
// runner on every family: how many events each stream category has seen (a counter per
// category) and which streams are the most active in each category (a sorted set).
// Everything is keyed by event id, so it stays exact on engines where the runner
// redelivers a batch (Cassandra, Redis), and it costs nothing extra where the batch and
// checkpoint commit together (PostgreSQL, PGlite).

import { categoryOf, type AllFilter } from "@flick/event-store";
import type { Projection } from "@flick/projection-runner";
import { defineCounters } from "../ports/counters.port.js";
import type { ReadStore } from "../ports/read-store.port.js";
import { defineSortedSet } from "../ports/sorted-sets.port.js";

export const eventsPerCategory = defineCounters("events_per_category");
export const activeStreams = defineSortedSet("active_streams");

export function streamActivityProjection(options: { name?: string; version?: number; filter?: AllFilter } = {}): Projection<ReadStore> {
  return {
    name: options.name ?? "stream-activity",
    version: options.version ?? 1,
    filter: options.filter,
    setup: (store) => store.ensure(eventsPerCategory, activeStreams),
    async handle(events, store) {
      await store.counters(eventsPerCategory).incrementMany(events.map((e) => ({ key: categoryOf(e.streamName), eventId: e.id })));
      await store
        .sortedSets(activeStreams)
        .incrementMany(events.map((e) => ({ key: categoryOf(e.streamName), member: e.streamName, by: 1, eventId: e.id })));
    },
  };
}

export interface StreamActivity {
  /** Events per category, in the order asked. */
  counts: number[];
  /** The most active streams of each category asked, busiest first. */
  top: { member: string; score: number }[][];
}

/** The query side: reads only the read model. */
export async function readStreamActivity(store: ReadStore, categories: string[], k = 3): Promise<StreamActivity> {
  const counts = await store.counters(eventsPerCategory).getMany(categories);
  const top = await Promise.all(categories.map((c) => store.sortedSets(activeStreams).top(c, k)));
  return { counts, top };
}
