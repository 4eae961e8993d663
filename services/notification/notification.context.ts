// What the notification context uses, built once per process: the inbox read model, the
// fast role's pub/sub (Redis on the server profiles, in-process on PGlite) that wakes the
// streams of whichever process holds a user's connection, and people for actor names.
import type { EventStore } from "@flick/event-store";
import type { PubSub } from "@flick/read-store";
import type { Platform, ReadModel } from "../platform/platform.js";
import { peopleFromIdentity, type People } from "../engagement/upstream/people.js";
import { inboxProjection } from "./projections/inbox.projection.js";
import { checkpointOf } from "./update-ids.js";
import type { Thumbnails } from "./upstream/thumbnails.js";

export const inboxChannel = (userId: string) => `inbox.${userId}`;
export const DEFAULT_HEARTBEAT_MS = 30_000;
/** Longest a nudge waits for its batch to commit (a failed batch is retried meanwhile). */
const ANNOUNCE_WAIT_MS = 30_000;

export interface NotificationContext {
  platform: Platform;
  events: EventStore;
  inbox: ReadModel;
  pubsub: PubSub;
  people: People;
  /** Notification cover images; set by the module (absent: notifications show none). */
  thumbnails: Thumbnails | undefined;
  heartbeatMs: number;
  now(): Date;
}

const perPlatform = new WeakMap<Platform, NotificationContext>();

export function notificationContext(platform: Platform, options: { heartbeatMs?: number } = {}): NotificationContext {
  let ctx = perPlatform.get(platform);
  if (ctx) return ctx;
  const pubsub = platform.engines.stores.fast.store.pubsub;
  // A nudge per changed inbox, sent once the batch has committed (the runner's checkpoint
  // has passed the newest change), so a woken stream finds the change on its first read.
  // The stream re-reads the read model, so a lost nudge costs latency (the stream's poll),
  // never a change.
  const announce = (changed: Map<string, string>) => {
    const newest = [...changed.values()].reduce((a, b) => (b > a ? b : a));
    void inbox.waitFor(checkpointOf(newest), ANNOUNCE_WAIT_MS).then(() => {
      for (const [user, updateId] of changed) void pubsub.publish(inboxChannel(user), updateId).catch(() => undefined);
    });
  };
  const inbox: ReadModel = platform.project("tables", inboxProjection({ onChanged: announce }));
  ctx = {
    platform,
    events: platform.events,
    inbox,
    pubsub,
    people: peopleFromIdentity(platform),
    thumbnails: undefined,
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    now: platform.clock,
  };
  perPlatform.set(platform, ctx);
  return ctx;
}
