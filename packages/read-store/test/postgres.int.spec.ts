// The read-store contracts on a PostgreSQL server (server profile). Needs POSTGRES_URL,
// e.g. POSTGRES_URL=$(bash scripts/ci/postgres.sh start); skips loudly without it.

import pg from "pg";
import { afterAll, describe, it } from "vitest";
import { createPostgresEventStore } from "@flick/event-store";
import { readModelSchema } from "@flick/projection-runner";
import { createPgPoolCheckpointStore, createPgPoolReadStore, postgresCapabilities, type ReadStore } from "../src/index.js";
import { checkpointsContract } from "./checkpoints.contract.js";
import { allPortContracts } from "./contracts.js";
import { createdProjections, fresh, serverFromEnv } from "./harness.js";
import { streamActivityScenario } from "./stream-activity.scenario.js";

const url = serverFromEnv("POSTGRES_URL", "scripts/ci/postgres.sh", "PostgreSQL");

if (!url) {
  describe.skip("read-store contracts (postgres): POSTGRES_URL not set", () => it("runs against a PostgreSQL server"));
} else {
  const pools: pg.Pool[] = [];
  const pool = () => {
    const p = new pg.Pool({ connectionString: url, max: 8 });
    pools.push(p);
    return p;
  };
  const schemas: string[] = [];
  const schema = (prefix: string) => {
    const s = fresh(prefix);
    schemas.push(s);
    return s;
  };
  afterAll(async () => {
    // The server is shared with other suites: drop exactly what this file created.
    for (const name of createdProjections) {
      const live = readModelSchema(name);
      schemas.push(live, `${live}__rebuild`);
      await shared.query("DELETE FROM projection_checkpoints WHERE projection = $1", [name]).catch(() => undefined);
    }
    for (const s of schemas) await shared.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await Promise.all(pools.map((p) => p.end()));
  });
  const shared = pool();
  // Each suite gets its own schema; the peer is another pool (other connections) on it.
  let lastSchema = "";
  const open = async (): Promise<ReadStore> => createPgPoolReadStore(shared, { schema: (lastSchema = schema("rs")) });
  const openPeer = async (): Promise<ReadStore> => createPgPoolReadStore(pool(), { schema: lastSchema });
  allPortContracts({ engine: "postgres", open, openPeer, capabilities: postgresCapabilities });

  checkpointsContract({
    engine: "postgres",
    atomic: true,
    open: async () => ({ checkpoints: createPgPoolCheckpointStore(shared), close: async () => undefined }),
  });

  streamActivityScenario({
    family: "postgres",
    open: async () => {
      const events = await createPostgresEventStore({ pool: shared, schema: schema("events") });
      return { events, checkpoints: createPgPoolCheckpointStore(shared), close: () => events.close() };
    },
  });
}
