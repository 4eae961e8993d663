// A read store bundles the ports one engine serves. Not every engine serves every port
// (Redis has no wide-column tables, Cassandra no pub/sub): each adapter declares its
// capabilities, callers and the contract suites read them (Jaeger's habit), and asking an
// adapter for a port it lacks throws UnsupportedPortError at once.

import type { Cache, CacheSpec } from "./cache.port.js";
import type { CounterSpec, Counters } from "./counters.port.js";
import type { PubSub } from "./pubsub.port.js";
import type { SetSpec, Sets } from "./sets.port.js";
import type { SortedSetSpec, SortedSets } from "./sorted-sets.port.js";
import type { TableSchema, WideColumnTable } from "./table.port.js";

export type StructureSpec = TableSchema | CounterSpec | SetSpec | SortedSetSpec | CacheSpec;

export type ReadStoreEngine = "postgres" | "pglite" | "cassandra" | "redis";

export interface ReadStoreCapabilities {
  tables: boolean;
  counters: boolean;
  sets: boolean;
  sortedSets: boolean;
  cache: boolean;
  /**
   * "cluster": messages reach subscribers in every process connected to the engine;
   * "process": only in this process (PGlite); false: no pub/sub.
   */
  pubsub: "cluster" | "process" | false;
  /** A scan's last page never carries a cursor (false on Cassandra's native paging). */
  exactLastPage: boolean;
  /** Tables honour `ttlSeconds`. */
  tableTtl: boolean;
}

export interface ReadStore {
  readonly engine: ReadStoreEngine;
  readonly capabilities: ReadStoreCapabilities;
  /** Creates the storage of these structures if missing (idempotent; a projection's setup). */
  ensure(...specs: StructureSpec[]): Promise<void>;
  /** Deletes the storage of these structures and everything in it. */
  drop(...specs: StructureSpec[]): Promise<void>;
  table<S extends TableSchema>(schema: S): WideColumnTable<S>;
  counters(spec: CounterSpec): Counters;
  sets(spec: SetSpec): Sets;
  sortedSets(spec: SortedSetSpec): SortedSets;
  cache(spec: CacheSpec): Cache;
  readonly pubsub: PubSub;
  /** Releases what this store opened itself (never a client or pool it was given). */
  close(): Promise<void>;
}

export class UnsupportedPortError extends Error {
  constructor(readonly engine: ReadStoreEngine, readonly port: string) {
    super(`the ${engine} read store has no ${port} (see its capabilities)`);
    this.name = "UnsupportedPortError";
  }
}
