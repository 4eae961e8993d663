// The read stores a benchmark run can reach: PGlite always (in-process), the others when
// their server's environment variable is set (the same ones the contract suites read).

import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import {
  createCassandraClient,
  createCassandraReadStore,
  createPgliteReadStore,
  createPgPoolReadStore,
  createRedisReadStore,
  type ReadStore,
} from "@flick/read-store";
import { structures } from "./workloads.js";

export interface BenchEngine {
  name: string;
  store: ReadStore;
  close(): Promise<void>;
}

const runId = () => `bench_${randomBytes(4).toString("hex")}`;

export async function availableEngines(): Promise<{ engines: BenchEngine[]; skipped: string[] }> {
  const engines: BenchEngine[] = [];
  const skipped: string[] = [];

  const db = new PGlite();
  engines.push({ name: "pglite", store: createPgliteReadStore(db, { schema: runId() }), close: () => db.close() });

  if (process.env.POSTGRES_URL) {
    const pool = new pg.Pool({ connectionString: process.env.POSTGRES_URL, max: 16 });
    const schema = runId();
    const store = createPgPoolReadStore(pool, { schema });
    engines.push({
      name: "postgres",
      store,
      close: async () => {
        await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await store.close();
        await pool.end();
      },
    });
  } else skipped.push("postgres (POSTGRES_URL; scripts/ci/postgres.sh start)");

  if (process.env.CASSANDRA_CONTACT_POINTS) {
    const client = createCassandraClient(process.env.CASSANDRA_CONTACT_POINTS.split(","));
    const keyspace = runId();
    engines.push({
      name: "cassandra",
      store: createCassandraReadStore({ client, keyspace }),
      close: async () => {
        await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
        await client.shutdown();
      },
    });
  } else skipped.push("cassandra (CASSANDRA_CONTACT_POINTS; scripts/ci/cassandra.sh start)");

  if (process.env.REDIS_URL) {
    const prefix = `${runId()}:`;
    const store = createRedisReadStore({ redis: process.env.REDIS_URL, prefix });
    engines.push({
      name: "redis",
      store,
      close: async () => {
        await store.drop(...structures);
        await store.close();
      },
    });
  } else skipped.push("redis (REDIS_URL; scripts/ci/redis.sh start)");

  return { engines, skipped };
}
