// Where PostgreSQL-family subscriptions listen. On a server, one pooled connection is held
// in LISTEN for all of a store's channels (NOTIFY reaches every process connected to the
// database). PGlite is an in-process database: its notifications reach only this process.

import type { PGlite } from "@electric-sql/pglite";
import type { Pool, PoolClient } from "pg";
import { quoteIdent } from "./postgres.sql.js";

export interface NotificationSource {
  /** "cluster" when other processes' NOTIFYs arrive too. */
  readonly reach: "cluster" | "process";
  /** Resolves once LISTEN is in effect, to the function that removes the handler. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Refcounted LISTEN/UNLISTEN and fan-out to handlers, over an engine-specific connection. */
abstract class ChannelRegistry implements NotificationSource {
  abstract readonly reach: "cluster" | "process";
  protected readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private chain: Promise<unknown> = Promise.resolve();

  protected abstract exec(statement: string): Promise<void>;

  protected dispatch(channel: string, payload: string): void {
    for (const h of this.handlers.get(channel) ?? []) h(payload);
  }

  // LISTEN/UNLISTEN run one at a time so a quick unsubscribe/subscribe cannot reorder.
  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    await this.serial(async () => {
      let set = this.handlers.get(channel);
      if (!set) {
        await this.exec(`LISTEN ${quoteIdent(channel)}`);
        set = new Set();
        this.handlers.set(channel, set);
      }
      set.add(handler);
    });
    return () =>
      this.serial(async () => {
        const set = this.handlers.get(channel);
        if (!set?.delete(handler) || set.size > 0) return;
        this.handlers.delete(channel);
        await this.exec(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
      });
  }

  abstract close(): Promise<void>;
}

const RECONNECT_MS = 1_000;

class PgPoolNotifications extends ChannelRegistry {
  readonly reach = "cluster" as const;
  private client: PoolClient | undefined;
  private connecting: Promise<PoolClient> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly pool: Pool) {
    super();
  }

  protected async exec(statement: string): Promise<void> {
    const client = await this.connect();
    await client.query(statement);
  }

  private connect(): Promise<PoolClient> {
    if (this.client) return Promise.resolve(this.client);
    return (this.connecting ??= (async () => {
      try {
        const client = await this.pool.connect();
        client.on("notification", (m) => this.dispatch(m.channel, m.payload ?? ""));
        client.on("error", () => this.lost(client));
        this.client = client;
        return client;
      } finally {
        this.connecting = undefined;
      }
    })());
  }

  /**
   * A broken LISTEN connection is replaced in the background and every channel is listened
   * to again; messages sent meanwhile are lost (pub/sub is at-most-once).
   */
  private lost(client: PoolClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    try {
      client.release(true);
    } catch {
      // already released
    }
    const reconnect = async () => {
      if (this.closed || this.handlers.size === 0) return;
      try {
        const c = await this.connect();
        for (const channel of this.handlers.keys()) await c.query(`LISTEN ${quoteIdent(channel)}`);
      } catch {
        this.retry = setTimeout(reconnect, RECONNECT_MS);
        this.retry.unref();
      }
    };
    this.retry = setTimeout(reconnect, RECONNECT_MS);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.handlers.clear();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query("UNLISTEN *");
      client.release();
    } catch {
      client.release(true);
    }
  }
}

/** PGlite's own listen() mishandles quoted channel names on unlisten, so LISTEN is issued directly. */
class PgliteNotifications extends ChannelRegistry {
  readonly reach = "process" as const;
  private readonly stop: () => void;

  constructor(private readonly db: PGlite) {
    super();
    this.stop = db.onNotification((channel, payload) => this.dispatch(channel, payload));
  }

  protected async exec(statement: string): Promise<void> {
    await this.db.exec(statement);
  }

  async close(): Promise<void> {
    this.stop();
    const channels = [...this.handlers.keys()];
    this.handlers.clear();
    if (!this.db.closed) for (const c of channels) await this.db.exec(`UNLISTEN ${quoteIdent(c)}`).catch(() => undefined);
  }
}

export function pgPoolNotifications(pool: Pool): NotificationSource {
  return new PgPoolNotifications(pool);
}

export function pgliteNotifications(db: PGlite): NotificationSource {
  return new PgliteNotifications(db);
}
