// The read-store contracts on Redis. Needs REDIS_URL, e.g.
// REDIS_URL=$(bash scripts/ci/redis.sh start); skips loudly without it. The example
// projection reads its events from an in-process PGlite event store.

import { Redis } from "ioredis";
import { afterAll, describe, it } from "vitest";
import { createPgliteEventStore } from "@flick/event-store";
import { createRedisCheckpointStore, createRedisReadStore, redisCapabilities, type ReadStore } from "../src/index.js";
import { checkpointsContract } from "./checkpoints.contract.js";
import { allPortContracts } from "./contracts.js";
import { fresh, serverFromEnv } from "./harness.js";
import { streamActivityScenario } from "./stream-activity.scenario.js";

const url = serverFromEnv("REDIS_URL", "scripts/ci/redis.sh", "Redis");

if (!url) {
  describe.skip("read-store contracts (redis): REDIS_URL not set", () => it("runs against a Redis server"));
} else {
  // Every suite writes under its own key prefix inside this run's; the peer is another connection.
  const run = `${fresh("t")}:`;
  let lastPrefix = "";
  const open = async (): Promise<ReadStore> => createRedisReadStore({ redis: url, prefix: (lastPrefix = `${run}${fresh("rs")}:`) });
  const openPeer = async (): Promise<ReadStore> => createRedisReadStore({ redis: url, prefix: lastPrefix });
  allPortContracts({ engine: "redis", open, openPeer, capabilities: redisCapabilities });

  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(url);
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    // Keys of this run only: other runs (and their TTL'd markers) are left alone.
    const cleaner = client();
    let cursor = "0";
    do {
      const [next, keys] = await cleaner.scan(cursor, "MATCH", `${run}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await cleaner.unlink(...keys);
    } while (cursor !== "0");
    await Promise.all(clients.map((c) => c.quit()));
  });

  checkpointsContract({
    engine: "redis",
    atomic: false,
    open: async () => ({ checkpoints: createRedisCheckpointStore({ redis: client(), prefix: `${run}${fresh("cp")}:` }), close: async () => undefined }),
  });

  streamActivityScenario({
    family: "redis",
    open: async () => {
      const events = await createPgliteEventStore();
      return { events, checkpoints: createRedisCheckpointStore({ redis: client(), prefix: `${run}${fresh("ex")}:` }), close: () => events.close() };
    },
  });
}
