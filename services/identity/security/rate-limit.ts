// Sliding-window rate limits in the fast store (Redis, or PGlite when embedded): each
// attempt is a member of a set whose members expire after the window, so the set's size
// is the number of attempts in the last window. Shared by every process of the profile.
// Keys are digests, never the identifier itself.
import { randomUUID } from "node:crypto";
import { RateLimitedError } from "@flick/kernel";
import { defineSet, type ReadStore, type SetSpec } from "@flick/read-store";

export type Window = "15m" | "1h";

const windows: Record<Window, SetSpec> = {
  "15m": defineSet("rate_limit_15m", { ttlSeconds: 15 * 60, maxSize: 10_000 }),
  "1h": defineSet("rate_limit_1h", { ttlSeconds: 3600, maxSize: 10_000 }),
};

export interface RateLimiter {
  /** Throws RESOURCE_EXHAUSTED when `key` already has `limit` attempts in the window. */
  check(window: Window, key: string, limit: number): Promise<void>;
  /** Counts one attempt. */
  record(window: Window, key: string, at?: Date): Promise<void>;
  /** check, then record. */
  hit(window: Window, key: string, limit: number, at?: Date): Promise<void>;
}

export async function createRateLimiter(store: ReadStore): Promise<RateLimiter> {
  await store.ensure(...Object.values(windows));
  const sets = (w: Window) => store.sets(windows[w]);
  const limiter: RateLimiter = {
    async check(window, key, limit) {
      if ((await sets(window).size(key)) >= limit) {
        const seconds = windows[window].ttlSeconds!;
        throw new RateLimitedError(seconds * 1000, "too many attempts; try again later");
      }
    },
    async record(window, key, at) {
      await sets(window).add(key, randomUUID(), { at });
    },
    async hit(window, key, limit, at) {
      await limiter.check(window, key, limit);
      await limiter.record(window, key, at);
    },
  };
  return limiter;
}
