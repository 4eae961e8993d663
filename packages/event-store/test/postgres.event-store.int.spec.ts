import { randomUUID } from "node:crypto";
import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventStoreUnavailableError, createPostgresEventStore, type NewEvent } from "../src/index.js";
import { eventStoreContract } from "./event-store.contract.js";
import { sqlEventStoreCases } from "./sql.event-store.cases.js";

// Runs against a real PostgreSQL when POSTGRES_URL is set (scripts/ci/postgres.sh start
// prints one). Each run uses a fresh schema and drops it afterwards.

const url = process.env.POSTGRES_URL;
const schema = `es_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;

if (!url) {
  console.warn(
    "\n⚠️  SKIPPED: PostgreSQL event store suite — POSTGRES_URL is not set.\n" +
      "   Start a server with `scripts/ci/postgres.sh start` and export the URL it prints.\n",
  );
  describe.skip("postgres event store (needs POSTGRES_URL)", () => {
    it("runs the contract", () => {});
  });
} else {
  const admin = new Pool({ connectionString: url, max: 2 });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  eventStoreContract(
    "postgres",
    (options) =>
      createPostgresEventStore({
        connectionString: url,
        schema,
        groupCommit: options?.groupCommit ?? true,
        testHooks: { delayInTransactionMs: options?.delayInTransactionMs },
      }),
    { exactIdempotency: true, groupCommit: true },
  );

  sqlEventStoreCases("postgres", () => createPostgresEventStore({ connectionString: url, schema }));

  describe("postgres event store", () => {
    beforeAll(async () => {
      // The contract may not have migrated yet when this file's tests start.
      await (await createPostgresEventStore({ connectionString: url, schema })).close();
    });

    it("migrates safely when several processes start at once", async () => {
      const fresh = `${schema}_m`;
      try {
        const stores = await Promise.all(
          Array.from({ length: 4 }, () => createPostgresEventStore({ connectionString: url, schema: fresh })),
        );
        await Promise.all(stores.map((s) => s.close()));
        const { rows } = await admin.query(`SELECT version FROM "${fresh}".migrations`);
        expect(rows.map((r) => r.version)).toEqual([1]);
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`);
      }
    });

    it("fails every append of a group whose connection dies with a retriable error", async () => {
      const application = `flick_es_${randomUUID().slice(0, 8)}`;
      const pool = new Pool({ connectionString: url, application_name: application, max: 4 });
      pool.on("error", () => {});
      const store = await createPostgresEventStore({ pool, schema, testHooks: { delayInTransactionMs: () => 2_000 } });
      try {
        const appends = Array.from({ length: 6 }, () => ({ stream: `lost-${randomUUID()}`, events: [newEvent()] }));
        const pending = appends.map((a) => store.append(a.stream, a.events, "no_stream").catch((e: unknown) => e));
        // Wait until the groups hold their transactions open, then kill their connections.
        for (let i = 0; i < 50; i++) {
          const { rows } = await admin.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE '%pg_sleep%'`,
            [application],
          );
          if (rows[0].n > 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [application]);
        const errors = await Promise.all(pending);
        for (const error of errors) {
          expect(error).toBeInstanceOf(EventStoreUnavailableError);
          expect((error as EventStoreUnavailableError).retriable).toBe(true);
        }
        // Nothing was committed, and the retry of the same appends is written exactly once.
        const retry = await createPostgresEventStore({ connectionString: url, schema });
        try {
          for (const a of appends) {
            expect(await retry.readStream(a.stream)).toEqual([]);
            await retry.append(a.stream, a.events, "no_stream");
            await retry.append(a.stream, a.events, "no_stream");
            expect(await retry.readStream(a.stream)).toHaveLength(1);
          }
        } finally {
          await retry.close();
        }
      } finally {
        await store.close();
        await pool.end();
      }
    });

    it("reports an unreachable server as EventStoreUnavailableError", async () => {
      const pool = new Pool({ connectionString: "postgres://postgres@127.0.0.1:1/postgres", connectionTimeoutMillis: 2_000 });
      pool.on("error", () => {});
      await expect(createPostgresEventStore({ pool })).rejects.toMatchObject({ code: "ECONNREFUSED" });
      await pool.end();
    });
  });
}

function newEvent(): NewEvent {
  return { id: randomUUID(), type: "flick.test.v1.Lost", data: new Uint8Array([1]) };
}
