// Fresh read stores of the tables role for the inbox's integration suites: PGlite always,
// PostgreSQL (POSTGRES_URL) and Cassandra (CASSANDRA_CONTACT_POINTS) when their servers
// are there — each absent one is named loudly, so a green run cannot hide a skip.
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { createCassandraClient, createCassandraReadStore, createPgliteReadStore, createPgPoolReadStore, type ReadStore } from "@flick/read-store";

export interface OpenedStore {
  store: ReadStore;
  close(): Promise<void>;
}

export interface StoreTarget {
  engine: "pglite" | "postgres" | "cassandra";
  open(): Promise<OpenedStore>;
}

const fresh = (prefix: string) => `${prefix}_${randomBytes(6).toString("hex")}`;

export function storeTargets(): StoreTarget[] {
  const targets: StoreTarget[] = [
    {
      engine: "pglite",
      async open() {
        const db = new PGlite();
        return { store: createPgliteReadStore(db), close: () => db.close() };
      },
    },
  ];
  const url = process.env.POSTGRES_URL;
  if (url) {
    targets.push({
      engine: "postgres",
      async open() {
        const pg = (await import("pg")).default;
        const pool = new pg.Pool({ connectionString: url, max: 4 });
        const schema = fresh("inbox_t");
        await pool.query(`CREATE SCHEMA ${schema}`);
        return {
          store: createPgPoolReadStore(pool, { schema }),
          async close() {
            await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
            await pool.end();
          },
        };
      },
    });
  } else console.warn("*** inbox suites on PostgreSQL SKIPPED: set POSTGRES_URL (scripts/ci/postgres.sh start) ***");
  const contactPoints = process.env.CASSANDRA_CONTACT_POINTS;
  if (contactPoints) {
    targets.push({
      engine: "cassandra",
      async open() {
        const keyspace = fresh("inbox_t");
        const client = createCassandraClient(contactPoints.split(","));
        return {
          store: createCassandraReadStore({ client, keyspace }),
          async close() {
            await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
            await client.shutdown();
          },
        };
      },
    });
  } else console.warn("*** inbox suites on Cassandra SKIPPED: set CASSANDRA_CONTACT_POINTS (scripts/ci/cassandra.sh start) ***");
  return targets;
}

/**
 * The store as a crash sees it: writes to `table` fail (once, or until `heal`), while
 * every other table works — so a batch stops half written, as a process dying between
 * two of its flushes leaves it.
 */
export function failingWrites(store: ReadStore, table: string): { store: ReadStore; heal(): void } {
  let failing = true;
  const fail = () => {
    if (failing) throw new Error(`injected: writes to ${table} fail`);
  };
  const wrapped = new Proxy(store, {
    get(target, prop) {
      if (prop === "table") {
        return (schema: Parameters<ReadStore["table"]>[0]) => {
          const t = target.table(schema);
          if (schema.name !== table) return t;
          return new Proxy(t, {
            get(inner, p) {
              const v = Reflect.get(inner, p, inner) as unknown;
              if (typeof v !== "function") return v;
              if (p === "upsert" || p === "upsertMany" || p === "upsertBatch" || p === "delete" || p === "deletePartition") {
                return async (...args: unknown[]) => {
                  fail();
                  return (v as (...a: unknown[]) => unknown).apply(inner, args);
                };
              }
              return (v as (...a: unknown[]) => unknown).bind(inner);
            },
          });
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: wrapped, heal: () => void (failing = false) };
}
