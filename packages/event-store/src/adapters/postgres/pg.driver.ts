import type { Pool, PoolClient } from "pg";
import { isPgConnectionError } from "./postgres.errors.js";
import type { SqlDriver } from "./sql-driver.js";

/** A SqlDriver over a `pg` Pool; ends the pool on close only if it owns it. */
export function createPgDriver(pool: Pool, ownsPool: boolean): SqlDriver {
  const listeners = new Set<PgListener>();
  return {
    maxConnections: pool.options.max ?? 10,
    query: async (text, params) => (await pool.query(text, params)).rows,
    transaction: async (fn) => {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query("BEGIN");
        const result = await fn(async (text, params) => (await client.query(text, params)).rows);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        broken = isPgConnectionError(error);
        if (!broken) await client.query("ROLLBACK").catch(() => (broken = true));
        throw error;
      } finally {
        // A broken connection must not go back to the pool.
        client.release(broken);
      }
    },
    listen: async (channel, onNotify) => {
      const listener = new PgListener(pool, channel, onNotify);
      listeners.add(listener);
      await listener.start();
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
    isConnectionError: isPgConnectionError,
    close: async () => {
      await Promise.all([...listeners].map((l) => l.stop()));
      if (ownsPool) await pool.end();
    },
  };
}

const RECONNECT_MS = 1_000;

/**
 * Holds one pooled connection in LISTEN. If it breaks, it reconnects in the background;
 * subscribers keep polling meanwhile, so a lost listener costs latency, never events.
 */
class PgListener {
  #client: PoolClient | undefined;
  #retry: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly onNotify: () => void,
  ) {}

  async start(): Promise<void> {
    if (this.#stopped) return;
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      client.on("notification", (message) => {
        if (message.channel === this.channel) this.onNotify();
      });
      client.on("error", () => this.#lost(client!));
      await client.query(`LISTEN "${this.channel}"`);
      if (this.#stopped) return client.release();
      this.#client = client;
      // Anything committed while we were not listening is found by this wake-up.
      this.onNotify();
    } catch {
      if (client) this.#lost(client);
      else this.#scheduleRetry();
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    try {
      await client.query(`UNLISTEN "${this.channel}"`);
      client.release();
    } catch {
      client.release(true);
    }
  }

  #lost(client: PoolClient): void {
    if (this.#client === client) this.#client = undefined;
    try {
      client.release(true);
    } catch {
      // already released
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#stopped) return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.start(), RECONNECT_MS);
    this.#retry.unref();
  }
}
