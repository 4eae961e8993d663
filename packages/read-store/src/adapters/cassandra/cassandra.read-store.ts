// The Cassandra read store (distributed profile): wide-column tables, counters, sets,
// sorted sets and a cache, each on tables shaped for its queries. No pub/sub: Cassandra
// has no push channel; the distributed profile takes pub/sub from Redis.

import cassandra from "cassandra-driver";
import { UnsupportedPortError, type ReadStore, type ReadStoreCapabilities, type StructureSpec } from "../../ports/read-store.port.js";
import { checkSpec } from "../../internal/names.js";
import { cassandraCache, cassandraCacheTables, createCassandraCache } from "./cassandra.cache.js";
import { cassandraCounterTables, cassandraCounters, createCassandraCounters } from "./cassandra.counters.js";
import { Cql, qualified, quoteIdent, type CassandraClient } from "./cassandra.cql.js";
import { cassandraSetTables, cassandraSets, createCassandraSets } from "./cassandra.sets.js";
import { cassandraSortedSetTables, cassandraSortedSets, createCassandraSortedSets } from "./cassandra.sorted-sets.js";
import { cassandraTable, createCassandraTable } from "./cassandra.tables.js";

export const cassandraCapabilities: ReadStoreCapabilities = Object.freeze({
  tables: true,
  counters: true,
  sets: true,
  sortedSets: true,
  cache: true,
  pubsub: false,
  exactLastPage: false,
  tableTtl: true,
});

export interface CassandraReadStoreOptions {
  /** A client the caller owns, or contact points ("host:port") the store connects to and owns. */
  client: CassandraClient | { contactPoints: string[]; localDataCenter?: string };
  keyspace: string;
  /**
   * Created by ensure() when missing, with this replication (default: SimpleStrategy, 1
   * replica, which only suits a single node; production passes NetworkTopologyStrategy).
   */
  replication?: Record<string, string | number>;
}

/** A client with the settings the adapter is tuned for: bigint as bigint, quorum reads and writes. */
export function createCassandraClient(contactPoints: string[], localDataCenter = "datacenter1"): CassandraClient {
  return new cassandra.Client({
    contactPoints,
    localDataCenter,
    encoding: { useBigIntAsLong: true, useBigIntAsVarint: true },
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum, serialConsistency: cassandra.types.consistencies.localSerial },
  });
}

export async function ensureKeyspace(client: CassandraClient, keyspace: string, replication: Record<string, string | number> = { class: "SimpleStrategy", replication_factor: 1 }): Promise<void> {
  const map = Object.entries(replication)
    .map(([k, v]) => `'${k}': ${typeof v === "number" ? v : `'${v}'`}`)
    .join(", ");
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${quoteIdent(keyspace)} WITH replication = {${map}}`);
}

export function createCassandraReadStore(options: CassandraReadStoreOptions): ReadStore {
  const owned = !(options.client instanceof cassandra.Client);
  const client =
    options.client instanceof cassandra.Client ? options.client : createCassandraClient(options.client.contactPoints, options.client.localDataCenter);
  const keyspace = checkKeyspace(options.keyspace);
  const cql = new Cql(client);
  let keyspaceReady: Promise<void> | undefined;

  return {
    engine: "cassandra",
    capabilities: cassandraCapabilities,
    async ensure(...specs: StructureSpec[]) {
      await (keyspaceReady ??= ensureKeyspace(client, keyspace, options.replication).catch((err) => {
        keyspaceReady = undefined;
        throw err;
      }));
      for (const spec of specs) {
        checkSpec(spec);
        switch (spec.kind) {
          case "table":
            await createCassandraTable(cql, keyspace, spec);
            break;
          case "counters":
            await createCassandraCounters(cql, keyspace, spec);
            break;
          case "sets":
            await createCassandraSets(cql, keyspace, spec);
            break;
          case "sortedSets":
            await createCassandraSortedSets(cql, keyspace, spec);
            break;
          case "cache":
            await createCassandraCache(cql, keyspace, spec);
            break;
        }
      }
    },
    async drop(...specs: StructureSpec[]) {
      for (const spec of specs) {
        checkSpec(spec);
        const tables =
          spec.kind === "table"
            ? [spec.name]
            : spec.kind === "counters"
              ? cassandraCounterTables(spec)
              : spec.kind === "sets"
                ? cassandraSetTables(spec)
                : spec.kind === "sortedSets"
                  ? cassandraSortedSetTables(spec)
                  : cassandraCacheTables(spec);
        for (const t of tables) await cql.ddl(`DROP TABLE IF EXISTS ${qualified(keyspace, t)}`);
      }
    },
    table: (spec) => (checkSpec(spec), cassandraTable(cql, keyspace, spec)),
    counters: (spec) => (checkSpec(spec), cassandraCounters(cql, keyspace, spec)),
    sets: (spec) => (checkSpec(spec), cassandraSets(cql, keyspace, spec)),
    sortedSets: (spec) => (checkSpec(spec), cassandraSortedSets(cql, keyspace, spec)),
    cache: (spec) => (checkSpec(spec), cassandraCache(cql, keyspace, spec)),
    get pubsub(): never {
      throw new UnsupportedPortError("cassandra", "pub/sub");
    },
    async close() {
      if (owned) await client.shutdown();
    },
  };
}

/** Keyspace names: at most 48 characters of [a-z0-9_]. */
function checkKeyspace(name: string): string {
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(name)) throw new TypeError(`cassandra keyspace name "${name}": lowercase letters, digits and underscores, at most 48`);
  return name;
}

