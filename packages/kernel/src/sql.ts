// One small SQL surface over the PostgreSQL family: a `pg` Pool (server profile) and a
// PGlite instance (embedded profile). Typed structurally so the kernel does not depend on
// either driver; both already speak `query(text, params) → { rows }`.

export interface SqlQueryable {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface SqlDatabase extends SqlQueryable {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

interface PgClientLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  release(err?: Error | boolean): void;
}

export interface PgPoolLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<PgClientLike>;
}

export interface PgliteLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  transaction<T>(work: (tx: { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> }) => Promise<T>): Promise<T>;
}

export function sqlFromPgPool(pool: PgPoolLike): SqlDatabase {
  return {
    query: (text, params) => pool.query(text, params) as never,
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await work({ query: (text, params) => client.query(text, params) as never });
        await client.query("COMMIT");
        return result;
      } catch (err) {
        // A failed ROLLBACK means the connection is unusable: drop it rather than pool it.
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.release(broken);
      }
    },
  };
}

export function sqlFromPglite(db: PgliteLike): SqlDatabase {
  return {
    query: (text, params) => db.query(text, params) as never,
    transaction: (work) => db.transaction((tx) => work({ query: (text, params) => tx.query(text, params) as never })),
  };
}

/** PGlite returns bytea as Uint8Array, pg as Buffer: callers get a plain view either way. */
export function bytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new Error(`expected bytea, got ${typeof value}`);
}

/** "my-projection" → "my_projection": a safe SQL identifier from a name we control. */
export function sqlIdentifier(name: string): string {
  const id = name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  if (!/^[a-z_][a-z0-9_]*$/.test(id) || id.length > 63) throw new Error(`not usable as an SQL identifier: ${name}`);
  return id;
}
