export * from "./event-store.port.js";
export { createPostgresEventStore, type PostgresEventStoreOptions } from "./adapters/postgres/postgres.event-store.js";
export { createPgliteEventStore, type PgliteEventStoreOptions } from "./adapters/pglite/pglite.event-store.js";
export { DataDirLockedError, lockDataDir, type DataDirLock } from "./adapters/pglite/data-dir-lock.js";
export { createKurrentEventStore, type KurrentEventStoreOptions } from "./adapters/kurrentdb/kurrentdb.event-store.js";
export type { GroupCommitOptions } from "./internal/group-commit.js";
export type { SqlEventStoreTestHooks } from "./adapters/postgres/sql.event-store.js";
export { CoalescedReads } from "./internal/coalesced-reads.js";
