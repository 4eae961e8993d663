// Survives kill -9 at any point: the runner runs in a child process that is SIGKILLed at
// random moments (often mid-transaction) and restarted; afterwards the read models must
// equal a clean rebuild and the log itself — nothing lost, nothing counted twice.

import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createPgliteEventStore, createPostgresEventStore, type EventStore } from "@flick/event-store";
import { sqlFromPglite, sqlFromPgPool, type SqlDatabase } from "@flick/kernel";
import { createSqlCheckpointStore, eventsPerStreamProjection, ProjectionRunner, readModelSchema, readStreamEventCounts } from "../src/index.js";
import { freshPostgresDatabase, POSTGRES_URL } from "./support/engines.js";
import { readStrictCounts, strictCountProjection } from "./support/strict-count.projection.js";

const CHILD = fileURLToPath(new URL("./support/runner-child.ts", import.meta.url));
const KILLS = 6;
const enc = new TextEncoder();

function startChild(env: Record<string, string>): { child: ChildProcess; batches: () => number; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let batches = 0;
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (batches += chunk.toString().split("\n").filter((l) => l.startsWith("batch")).length));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      if (code !== 0 && code !== null) console.error(`child exited ${code}:\n${stderr}`);
      resolve(code);
    }),
  );
  return { child, batches: () => batches, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Kill at a random moment: sometimes during start-up, mostly after some batches. Returns the batches it saw. */
async function killAtRandom(env: Record<string, string>): Promise<number> {
  const run = startChild(env);
  if (Math.random() < 0.25) await sleep(200 + Math.random() * 800);
  else {
    const target = 1 + Math.floor(Math.random() * 12);
    const deadline = Date.now() + 20_000;
    while (run.batches() < target && Date.now() < deadline && run.child.exitCode === null) await sleep(2);
    await sleep(Math.random() * 10);
  }
  run.child.kill("SIGKILL");
  await run.exited;
  return run.batches();
}

async function runToCompletion(env: Record<string, string>): Promise<void> {
  const run = startChild({ ...env, EXIT_WHEN_CAUGHT_UP: "1" });
  expect(await run.exited).toBe(0);
}

async function appendSome(store: EventStore, streams: string[], events: number): Promise<void> {
  for (let i = 0; i < events; ) {
    const n = 1 + Math.floor(Math.random() * 5);
    await store.append(streams[Math.floor(Math.random() * streams.length)]!, Array.from({ length: n }, () => ({
      id: randomUUID(),
      type: "test.Happened",
      data: enc.encode("{}"),
      contentType: "application/json" as const,
    })), "any");
    i += n;
  }
}

/** Both read models equal the log and a clean rebuild made here, in this process. */
async function verify(store: EventStore, db: SqlDatabase, streams: string[]): Promise<void> {
  const inLog = Object.fromEntries(
    (await Promise.all(streams.map(async (s) => [s, (await store.readStream(s)).length] as const))).filter(([, n]) => n > 0),
  );
  const total = Object.values(inLog).reduce((a, b) => a + b, 0);

  const example = eventsPerStreamProjection();
  const strict = strictCountProjection();
  const exampleLive = await readStreamEventCounts(db, readModelSchema(example.name));
  const strictLive = await readStrictCounts(db, readModelSchema(strict.name));
  expect(Object.fromEntries(exampleLive.map((c) => [c.stream, c.events]))).toEqual(inLog);
  expect(strictLive).toEqual({ perStream: inLog, deliveries: total });

  for (const projection of [example, strict]) {
    await new ProjectionRunner({ store, checkpoints: createSqlCheckpointStore(db), projection }).rebuild({ swap: false });
  }
  expect(await readStreamEventCounts(db, `${readModelSchema(example.name)}__rebuild`)).toEqual(exampleLive);
  expect(await readStrictCounts(db, `${readModelSchema(strict.name)}__rebuild`)).toEqual(strictLive);
}

const streams = Array.from({ length: 40 }, (_, i) => `kill-s${i}`);

describe("projection runner killed with SIGKILL (PGlite data directories)", () => {
  it("ends with read models equal to the log and to a clean rebuild", { timeout: 240_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "flick-kill-"));
    const env = { KILL_ENGINE: "pglite", KILL_EVENTS_DIR: join(dir, "events"), KILL_READ_DIR: join(dir, "read") };
    try {
      // PGlite is single-process: the log is written before the runs, between the kills.
      const committed: number[] = [];
      for (let round = 0; round < KILLS; round++) {
        const store = await createPgliteEventStore({ dataDir: env.KILL_EVENTS_DIR });
        await appendSome(store, streams, 600);
        await store.close();
        committed.push(await killAtRandom(env));
      }
      // Most kills must land after the runner has made progress, or the test proves little.
      expect(committed.filter((n) => n > 0).length).toBeGreaterThanOrEqual(KILLS / 2);
      await runToCompletion(env);
      const store = await createPgliteEventStore({ dataDir: env.KILL_EVENTS_DIR });
      const lite = await PGlite.create(env.KILL_READ_DIR);
      try {
        await verify(store, sqlFromPglite(lite), streams);
      } finally {
        await store.close();
        await lite.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!POSTGRES_URL)("projection runner killed with SIGKILL (PostgreSQL)", () => {
  it("ends with read models equal to the log and to a clean rebuild, while appends continue", { timeout: 240_000 }, async () => {
    const database = await freshPostgresDatabase(POSTGRES_URL!);
    const store = await createPostgresEventStore({ connectionString: database.url });
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    pool.on("error", () => {});
    const env = { KILL_ENGINE: "postgres", KILL_DATABASE_URL: database.url };
    try {
      await appendSome(store, streams, 1500);
      let writing = true;
      const writer = (async () => {
        while (writing) {
          await appendSome(store, streams, 20);
          await sleep(5);
        }
      })();
      const committed: number[] = [];
      for (let round = 0; round < KILLS; round++) committed.push(await killAtRandom(env));
      expect(committed.filter((n) => n > 0).length).toBeGreaterThanOrEqual(KILLS / 2);
      writing = false;
      await writer;
      await runToCompletion(env);
      await verify(store, sqlFromPgPool(pool), streams);
    } finally {
      await store.close();
      await pool.end();
      await database.drop();
    }
  });
});
