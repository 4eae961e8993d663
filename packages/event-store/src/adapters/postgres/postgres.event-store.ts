import { Pool } from "pg";
import type { EventStore } from "../../event-store.port.js";
import type { GroupCommitOptions } from "../../internal/group-commit.js";
import { createPgDriver } from "./pg.driver.js";
import { SqlEventStore, type SqlEventStoreTestHooks } from "./sql.event-store.js";

export interface PostgresEventStoreOptions {
  /** A pool the caller owns (not ended on close); or give a connectionString. */
  pool?: Pool;
  /** e.g. postgres://user@host:5432/db; the store creates and ends its own pool. */
  connectionString?: string;
  /** Schema of the store's tables; created and migrated on open. Default "event_store". */
  schema?: string;
  /** Default on. `false` commits each append in its own transaction (benchmarks compare). */
  groupCommit?: boolean | Partial<GroupCommitOptions>;
  /** Backstop poll for live subscriptions (LISTEN/NOTIFY wakes them sooner). Default 100 ms. */
  pollIntervalMs?: number;
  testHooks?: SqlEventStoreTestHooks;
}

/**
 * Two groups in flight let one group's commit (its WAL flush) overlap the next group's
 * round trip; on a 2-core machine 1 to 4 measured alike within noise (bench/events/appends.ts).
 * 128 appends bound a group's locks, payload and latency, far above what 32 writers fill.
 */
export const POSTGRES_GROUP_COMMIT: GroupCommitOptions = { maxGroupSize: 128, maxConcurrentGroups: 2 };

export async function createPostgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore> {
  if (!options.pool && !options.connectionString) throw new TypeError("pass pool or connectionString");
  const pool = options.pool ?? new Pool({ connectionString: options.connectionString, max: 10 });
  if (!options.pool) {
    // An idle pooled connection that breaks emits 'error' on the pool; unhandled, that would
    // crash the process. The pool replaces the connection; appends report their own failures.
    pool.on("error", () => {});
  }
  const driver = createPgDriver(pool, !options.pool);
  try {
    return await SqlEventStore.open({
      name: "postgres",
      driver,
      schema: options.schema ?? "event_store",
      groupCommit: groupCommitOptions(options.groupCommit),
      pollIntervalMs: options.pollIntervalMs ?? 100,
      testHooks: options.testHooks,
    });
  } catch (error) {
    await driver.close();
    throw error;
  }
}

function groupCommitOptions(option: PostgresEventStoreOptions["groupCommit"]): GroupCommitOptions | false {
  if (option === false) return false;
  return { ...POSTGRES_GROUP_COMMIT, ...(option === true || option === undefined ? {} : option) };
}
