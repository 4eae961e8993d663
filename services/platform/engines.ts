// Profile → engines. The only place that knows which adapter serves which role; every
// other module receives ports. Roles:
//   events   the event store
//   tables   wide-column read models (query-first tables)      PGlite | PostgreSQL | Cassandra
//   fast     counters, sets, sorted sets, caches, pub/sub      PGlite | Redis
//   keys     per-user data keys, outside the log               PGlite | PostgreSQL
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { Redis } from "ioredis";
import {
  createKurrentEventStore,
  createPgliteEventStore,
  createPostgresEventStore,
  lockDataDir,
  type EventStore,
} from "@flick/event-store";
import { createSqlKeyStore, sqlFromPglite, sqlFromPgPool, type KeyStore } from "@flick/kernel";
import {
  createCassandraCheckpointStore,
  createCassandraClient,
  createCassandraReadStore,
  createPgliteCheckpointStore,
  createPgliteReadStore,
  createPgPoolCheckpointStore,
  createPgPoolReadStore,
  createRedisCheckpointStore,
  createRedisReadStore,
  ensureKeyspace,
  type ReadModelCheckpoints,
  type ReadStore,
} from "@flick/read-store";
import type { Config } from "@flick/server";

export type StoreRole = "tables" | "fast";

export interface StoreFamily {
  /** Where queries and ad-hoc writes go (the role's shared store). */
  store: ReadStore;
  /** Where projections of this role keep checkpoints and their slots. */
  checkpoints: ReadModelCheckpoints;
  engine: string;
}

export interface Engines {
  events: EventStore;
  stores: Record<StoreRole, StoreFamily>;
  keys: KeyStore;
  describe(): string;
  close(): Promise<void>;
}

function need(config: Config, name: "POSTGRES_URL" | "REDIS_URL" | "CASSANDRA_CONTACT_POINTS" | "KURRENTDB_URL"): string {
  const v = config[name];
  if (!v) throw new Error(`profile ${config.FLICK_PROFILE} needs ${name}`);
  return v;
}

export async function openEngines(config: Config): Promise<Engines> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    if (config.FLICK_PROFILE === "embedded") return await embedded(config, closers, close);
    return await servers(config, closers, close);
  } catch (e) {
    await close();
    throw e;
  }
}

/** One PGlite database in-process serves every role; the data dir is locked. */
async function embedded(config: Config, closers: (() => Promise<unknown>)[], close: () => Promise<void>): Promise<Engines> {
  const memory = config.FLICK_DATA_DIR === "memory://";
  let db: PGlite;
  if (memory) db = new PGlite();
  else {
    const dir = join(config.FLICK_DATA_DIR, "pglite");
    mkdirSync(dir, { recursive: true });
    const lock = await lockDataDir(dir);
    closers.push(async () => lock.release());
    db = new PGlite(dir);
  }
  await db.waitReady;
  closers.push(() => db.close());
  const events = await createPgliteEventStore({ db });
  closers.push(() => events.close());
  const family: StoreFamily = { store: createPgliteReadStore(db), checkpoints: createPgliteCheckpointStore(db), engine: "pglite" };
  const keys = createSqlKeyStore(sqlFromPglite(db));
  await keys.ensureSchema();
  return {
    events,
    stores: { tables: family, fast: family },
    keys,
    describe: () => `embedded: PGlite in-process (${memory ? "in memory" : config.FLICK_DATA_DIR})`,
    close,
  };
}

async function servers(config: Config, closers: (() => Promise<unknown>)[], close: () => Promise<void>): Promise<Engines> {
  const profile = config.FLICK_PROFILE;
  // PostgreSQL: the event store of server and distributed-local, the key store of every
  // server profile, and the tables of the server profile.
  const pool = new pg.Pool({ connectionString: need(config, "POSTGRES_URL"), max: 16 });
  // An idle pooled connection that breaks (a server restart, pg_terminate_backend, a
  // dropped database) emits 'error' on the pool; unhandled, it would crash the process.
  // The pool replaces the connection, and every query in flight reports its own failure.
  pool.on("error", (e) => console.warn(`flick: an idle PostgreSQL connection was lost (${e.message}); the pool replaces it`));
  closers.push(() => pool.end());
  const events =
    profile === "distributed"
      ? await createKurrentEventStore({ connectionString: need(config, "KURRENTDB_URL") })
      : await createPostgresEventStore({ pool });
  closers.push(() => events.close());

  let tables: StoreFamily;
  if (profile === "server") {
    tables = { store: createPgPoolReadStore(pool), checkpoints: createPgPoolCheckpointStore(pool), engine: "postgresql" };
  } else {
    const points = need(config, "CASSANDRA_CONTACT_POINTS").split(",").map((s) => s.trim());
    const client = createCassandraClient(points);
    await client.connect();
    closers.push(() => client.shutdown());
    await ensureKeyspace(client, config.CASSANDRA_KEYSPACE);
    tables = {
      store: createCassandraReadStore({ client, keyspace: config.CASSANDRA_KEYSPACE }),
      // Checkpoints live beside the keyspace they describe ("flick" → "flick_projections"),
      // so two deployments (or test runs) with different keyspaces never share them.
      checkpoints: createCassandraCheckpointStore({
        client,
        metaKeyspace: `${config.CASSANDRA_KEYSPACE}_projections`,
        keyspacePrefix: `${config.CASSANDRA_KEYSPACE}_rm_`,
      }),
      engine: "cassandra",
    };
  }
  const redis = new Redis(need(config, "REDIS_URL"), { lazyConnect: false, maxRetriesPerRequest: 3 });
  closers.push(() => redis.quit());
  const fast: StoreFamily = {
    store: createRedisReadStore({ redis, prefix: "flick:" }),
    checkpoints: createRedisCheckpointStore({ redis, prefix: "flick:" }),
    engine: "redis",
  };
  const keys = createSqlKeyStore(sqlFromPgPool(pool));
  await keys.ensureSchema();
  return {
    events,
    stores: { tables, fast },
    keys,
    describe: () => `${profile}: events ${events.name}, tables ${tables.engine}, fast ${fast.engine}`,
    close,
  };
}
