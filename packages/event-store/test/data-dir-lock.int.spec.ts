import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLockedError, createPgliteEventStore, lockDataDir } from "../src/index.js";
import { LOCK_FILE } from "../src/adapters/pglite/data-dir-lock.js";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flick-es-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Runs `sleep` as a real other process; returns its pid and a way to end it. */
function otherProcess(seconds: number) {
  const child = spawn("sleep", [String(seconds)], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { pid: child.pid!, stop: async () => (child.kill(), exited) };
}

function lockOf(pid: number): string {
  return JSON.stringify({ pid, hostname: hostname(), token: "other", createdAt: new Date().toISOString() });
}

describe("PGlite data directory lock", () => {
  it("creates missing parent directories and releases the lock", async () => {
    const dir = join(await tempDir(), "a", "b", "data");
    const lock = await lockDataDir(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    await lock.release();
    await (await lockDataDir(dir)).release();
  });

  it("refuses a directory held by a live process, naming it", async () => {
    const dir = await tempDir();
    const other = otherProcess(30);
    try {
      await writeFile(join(dir, LOCK_FILE), lockOf(other.pid));
      const error = await lockDataDir(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as Error).message).toContain(`process ${other.pid}`);
    } finally {
      await other.stop();
    }
  });

  it("takes over the lock of a process that died", async () => {
    const dir = await tempDir();
    const dead = otherProcess(0);
    await dead.stop();
    await writeFile(join(dir, LOCK_FILE), lockOf(dead.pid));
    const lock = await lockDataDir(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    await lock.release();
  });

  it("keeps a second store off an open data directory, and persists across reopening", async () => {
    const dir = join(await tempDir(), "events");
    const store = await createPgliteEventStore({ dataDir: dir });
    const id = crypto.randomUUID();
    try {
      await expect(createPgliteEventStore({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
      await store.append("video-1", [{ id, type: "flick.test.v1.Kept", data: new Uint8Array([7]) }], "no_stream");
    } finally {
      await store.close();
    }
    const reopened = await createPgliteEventStore({ dataDir: dir });
    try {
      expect((await reopened.readStream("video-1")).map((e) => e.id)).toEqual([id]);
    } finally {
      await reopened.close();
    }
  });
});
