// Shared by the contract suites and the per-engine spec files: fresh names so every run
// (and every test) starts from empty structures, and the loud skip for absent servers.

import { randomBytes } from "node:crypto";
import type { ReadStore, ReadStoreCapabilities } from "../src/index.js";

/** A structure or key name nobody used before: `prefix_` + 10 random characters. */
export function fresh(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString("hex").slice(0, 10)}`;
}

/** Projections the suites created, so a spec file on a shared server can drop their storage. */
export const createdProjections: string[] = [];

/** A fresh projection name (lowercase letters, digits, dashes), remembered for clean-up. */
export function freshProjection(prefix: string): string {
  const name = `${prefix}-${randomBytes(8).toString("hex").slice(0, 10)}`;
  createdProjections.push(name);
  return name;
}

export type OpenStore = () => Promise<ReadStore>;

export interface ContractTarget {
  /** Shown in test names, e.g. "pglite". */
  engine: string;
  /** Opens a store on fresh storage (a fresh schema, keyspace or key prefix). */
  open: OpenStore;
  capabilities: ReadStoreCapabilities;
  /** A second store in the same storage over its own connection: "another process". */
  openPeer?: OpenStore;
}

/**
 * Says out loud that an engine's suites did not run, naming the variable to set and the
 * script that starts a server, so a green run cannot hide a skipped engine.
 */
export function serverFromEnv(variable: string, script: string, engine: string): string | undefined {
  const value = process.env[variable];
  if (!value) {
    console.warn(
      `\n[read-store] SKIPPING the ${engine} contract suites: ${variable} is not set.\n` +
        `             Start a server with \`${variable}=$(bash ${script} start)\` and run again.\n`,
    );
  }
  return value || undefined;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds (engines expire entries on their own clock). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}
