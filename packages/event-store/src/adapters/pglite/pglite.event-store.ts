import { PGlite } from "@electric-sql/pglite";
import { resolve } from "node:path";
import type { EventStore } from "../../event-store.port.js";
import type { GroupCommitOptions } from "../../internal/group-commit.js";
import { SqlEventStore, type SqlEventStoreTestHooks } from "../postgres/sql.event-store.js";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.js";
import { createPgliteDriver } from "./pglite.driver.js";

export interface PgliteEventStoreOptions {
  /**
   * Directory of the database, created if missing and locked against other processes.
   * Absent (or "memory://") keeps everything in memory: tests and throwaway runs.
   */
  dataDir?: string;
  /** An open PGlite shared with other components (read models); the caller owns and locks it. */
  db?: PGlite;
  /** Schema of the store's tables. Default "event_store". */
  schema?: string;
  /** Default on. `false` runs one transaction per append (benchmarks compare). */
  groupCommit?: boolean | Partial<GroupCommitOptions>;
  testHooks?: SqlEventStoreTestHooks;
}

/** One connection: one group in flight; the group size amortises each statement's WASM cost. */
export const PGLITE_GROUP_COMMIT: GroupCommitOptions = { maxGroupSize: 128, maxConcurrentGroups: 1 };

export async function createPgliteEventStore(options: PgliteEventStoreOptions = {}): Promise<EventStore> {
  const memory = options.dataDir === undefined || options.dataDir.startsWith("memory://");
  if (options.db && options.dataDir !== undefined) throw new TypeError("pass dataDir or db, not both");
  const dataDir = memory ? undefined : resolve(options.dataDir!);
  let lock: DataDirLock | undefined;
  let db = options.db;
  try {
    if (!db) {
      lock = dataDir ? await lockDataDir(dataDir) : undefined;
      db = await PGlite.create(dataDir);
    }
    return await SqlEventStore.open({
      name: "pglite",
      driver: createPgliteDriver(db, !options.db),
      schema: options.schema ?? "event_store",
      groupCommit: groupCommitOptions(options.groupCommit),
      // Appends in this process wake subscribers directly; polling is only a backstop.
      pollIntervalMs: 1_000,
      onClosed: async () => lock?.release(),
      testHooks: options.testHooks,
    });
  } catch (error) {
    if (!options.db) await db?.close().catch(() => {});
    await lock?.release();
    throw error;
  }
}

function groupCommitOptions(option: PgliteEventStoreOptions["groupCommit"]): GroupCommitOptions | false {
  if (option === false) return false;
  return { ...PGLITE_GROUP_COMMIT, ...(option === true || option === undefined ? {} : option) };
}
