import { randomUUID } from "node:crypto";
import { link, mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

// PGlite has no postmaster.pid: two processes can open one data directory and silently
// lose writes. This lock file (created with O_EXCL, holding the owner's pid) prevents that;
// a lock whose process is dead (a crash) is taken over.

export const LOCK_FILE = "flick.lock";

/** A lock file whose content cannot be read yet is stale only after this long. */
const UNREADABLE_GRACE_MS = 10_000;

interface LockContent {
  pid: number;
  hostname: string;
  token: string;
  createdAt: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: Partial<LockContent> | undefined,
  ) {
    const who = owner?.pid ? `process ${owner.pid} on ${owner.hostname ?? "?"}` : "another process";
    super(
      `data directory ${dataDir} is in use by ${who} (lock file ${join(dataDir, LOCK_FILE)}). ` +
        `Two processes must never open one PGlite data directory: stop the other one, or delete ` +
        `the lock file if that process no longer exists.`,
    );
    this.name = "DataDirLockedError";
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Creates `dataDir` (and its parents) if needed and locks it for this process. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const mine: LockContent = { pid: process.pid, hostname: hostname(), token: randomUUID(), createdAt: new Date().toISOString() };
  const text = JSON.stringify(mine);
  // Two rounds: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createExclusive(path, text)) return { path, release: () => releaseLock(path, mine.token) };
    const found = await readLock(path);
    if (found === "missing") continue;
    if (!(await isStale(path, found))) throw new DataDirLockedError(dataDir, found === "unreadable" ? undefined : found);
    await removeIfUnchanged(path, found);
  }
  throw new DataDirLockedError(dataDir, undefined);
}

async function createExclusive(path: string, text: string): Promise<boolean> {
  try {
    const handle = await open(path, "wx");
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

async function readLock(path: string): Promise<LockContent | "missing" | "unreadable"> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as LockContent;
    return Number.isInteger(parsed.pid) && typeof parsed.token === "string" ? parsed : "unreadable";
  } catch {
    return "unreadable"; // its writer may be between create and write
  }
}

async function isStale(path: string, found: LockContent | "unreadable"): Promise<boolean> {
  if (found === "unreadable") {
    const info = await stat(path).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > UNREADABLE_GRACE_MS;
  }
  // A pid on another host (a shared volume) cannot be checked: never steal that lock.
  if (found.hostname !== hostname()) return false;
  if (found.pid === process.pid) return false; // opened twice in this process
  return !isAlive(found.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/**
 * Removes the stale lock without ever removing a fresh one: two processes may judge the
 * same lock stale at once, and the faster one may already have written its own. Renaming
 * takes whatever file is there now; if it is not the stale one, it is put back.
 */
async function removeIfUnchanged(path: string, stale: LockContent | "unreadable"): Promise<void> {
  const aside = `${path}.${process.pid}.${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const taken = await readLock(aside);
  const same = stale === "unreadable" ? taken === "unreadable" : typeof taken === "object" && taken.token === stale.token;
  if (!same) await link(aside, path).catch(() => {}); // fails only if yet another lock is in place
  await unlink(aside);
}

async function releaseLock(path: string, token: string): Promise<void> {
  const found = await readLock(path);
  if (typeof found === "object" && found.token === token) await unlink(path).catch(() => {});
}
