// The engines the kernel's integration tests run on: PGlite always, PostgreSQL when
// POSTGRES_URL points at a server (each test file gets its own fresh database there).
// A missing server is a loud skip, never a silent pass.

import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { createPgliteEventStore, createPostgresEventStore, type EventStore } from "@flick/event-store";
import { sqlFromPglite, sqlFromPgPool, type SqlDatabase } from "../../src/index.js";

export interface Engine {
  name: string;
  /** False when the engine's server is not configured: its suite is skipped (loudly). */
  available: boolean;
  /**
   * A new, empty event store (and a SQL database for side tables) per call. Opening costs
   * seconds on PGlite: suites open once and give each test its own stream names.
   */
  open(): Promise<{ store: EventStore; db: SqlDatabase; close(): Promise<void> }>;
}

export const POSTGRES_URL = process.env.POSTGRES_URL;

if (!POSTGRES_URL) {
  console.warn("\n*** POSTGRES_URL is not set: the PostgreSQL variants of these suites are SKIPPED ***\n");
}

export const pgliteEngine: Engine = {
  name: "pglite",
  available: true,
  async open() {
    // One in-process database for the log and the side tables, as the embedded profile runs.
    const lite = await PGlite.create();
    const store = await createPgliteEventStore({ db: lite });
    return {
      store,
      db: sqlFromPglite(lite),
      async close() {
        await store.close();
        await lite.close();
      },
    };
  },
};

/** A throwaway database on the server at `url`, dropped on close. */
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

export const postgresEngine: Engine = {
  name: "postgres",
  available: POSTGRES_URL !== undefined,
  async open() {
    const database = await freshPostgresDatabase(POSTGRES_URL!);
    const store = await createPostgresEventStore({ connectionString: database.url });
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    pool.on("error", () => {}); // DROP DATABASE … WITH (FORCE) may reach a closing client
    return {
      store,
      db: sqlFromPgPool(pool),
      async close() {
        await store.close();
        await pool.end();
        await database.drop();
      },
    };
  },
};

/** Every engine; use with describe.skipIf(!engine.available) so a skip shows in the report. */
export const engines: Engine[] = [pgliteEngine, postgresEngine];
