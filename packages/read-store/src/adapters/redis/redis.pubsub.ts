// Pub/sub on Redis: PUBLISH on the store's connection; subscriptions share one dedicated
// subscriber connection (a connection in subscribe mode can do nothing else), opened on
// first use. ioredis re-subscribes by itself after a reconnect; what was published while
// disconnected is lost, as pub/sub is at-most-once.

import type { PubSub } from "../../ports/pubsub.port.js";
import { checkChannel, openSubscription } from "../../internal/subscription.js";
import type { RedisClient } from "./redis.keys.js";

export interface RedisPubSub extends PubSub {
  close(): Promise<void>;
}

export function redisPubSub(redis: RedisClient): RedisPubSub {
  let subscriber: RedisClient | undefined;
  const handlers = new Map<string, Set<(message: string) => void>>();
  let chain: Promise<unknown> = Promise.resolve();
  // SUBSCRIBE/UNSUBSCRIBE one at a time so a quick close-then-subscribe cannot reorder.
  const serial = (work: () => Promise<void>) => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };
  const connection = () => {
    if (!subscriber) {
      // Redis and Cluster both duplicate themselves; their overloads just do not unify.
      const s = (redis as { duplicate(): RedisClient }).duplicate();
      s.on("message", (channel: string, message: string) => {
        for (const h of handlers.get(channel) ?? []) h(message);
      });
      // Errors surface as reconnects; without a listener ioredis would log each one.
      s.on("error", () => undefined);
      subscriber = s;
    }
    return subscriber;
  };

  return {
    async publish(channel, message) {
      checkChannel(channel);
      await redis.publish(channel, message);
    },
    async subscribe(channel, options = {}) {
      checkChannel(channel);
      return openSubscription(channel, options, async (deliver) => {
        await serial(async () => {
          let set = handlers.get(channel);
          if (!set) {
            await connection().subscribe(channel);
            set = new Set();
            handlers.set(channel, set);
          }
          set.add(deliver);
        });
        return () =>
          serial(async () => {
            const set = handlers.get(channel);
            if (!set?.delete(deliver) || set.size > 0) return;
            handlers.delete(channel);
            await subscriber?.unsubscribe(channel).catch(() => undefined);
          });
      });
    },
    async close() {
      handlers.clear();
      const s = subscriber;
      subscriber = undefined;
      if (s) await s.quit().catch(() => s.disconnect());
    },
  };
}
