// Engines for the runner's integration tests: the event store and the read-model database
// on PGlite (two in-process instances) or on a PostgreSQL server (one fresh database per
// test, shared by the event tables and the read models, as in the server profile).

import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { createPgliteEventStore, createPostgresEventStore, type EventStore } from "@flick/event-store";
import { sqlFromPglite, sqlFromPgPool, type SqlDatabase } from "@flick/kernel";

export const POSTGRES_URL = process.env.POSTGRES_URL;
if (!POSTGRES_URL) {
  console.warn("\n*** POSTGRES_URL is not set: the PostgreSQL variants of these suites are SKIPPED ***\n");
}

export interface OpenedEngine {
  store: EventStore;
  db: SqlDatabase;
  close(): Promise<void>;
}

export interface Engine {
  name: string;
  available: boolean;
  open(): Promise<OpenedEngine>;
}

export async function freshPostgresDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `flick_t_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    url: dbUrl.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const engines: Engine[] = [
  {
    name: "pglite",
    available: true,
    async open() {
      // One in-process database for the log and the read models, as the embedded profile runs.
      const lite = await PGlite.create();
      const store = await createPgliteEventStore({ db: lite });
      return {
        store,
        db: sqlFromPglite(lite),
        close: async () => {
          await store.close();
          await lite.close();
        },
      };
    },
  },
  {
    name: "postgres",
    available: POSTGRES_URL !== undefined,
    async open() {
      const database = await freshPostgresDatabase(POSTGRES_URL!);
      const store = await createPostgresEventStore({ connectionString: database.url });
      const pool = new pg.Pool({ connectionString: database.url, max: 6 });
      pool.on("error", () => {}); // DROP DATABASE … WITH (FORCE) may reach a closing client
      return {
        store,
        db: sqlFromPgPool(pool),
        close: async () => {
          await store.close();
          await pool.end();
          await database.drop();
        },
      };
    },
  },
];
