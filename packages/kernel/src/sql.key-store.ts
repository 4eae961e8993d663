// The key store on the PostgreSQL family (pg Pool or PGlite), in its own table: never in
// the events table, never copied into read models, so a DELETE really erases the key.

import type { KeyStore, WrappedKey } from "./key-store.port.js";
import { bytes, sqlIdentifier, type SqlDatabase } from "./sql.js";

export interface SqlKeyStore extends KeyStore {
  /** Creates the table if it does not exist. */
  ensureSchema(): Promise<void>;
}

export function createSqlKeyStore(db: SqlDatabase, options: { table?: string } = {}): SqlKeyStore {
  const table = sqlIdentifier(options.table ?? "personal_data_keys");
  const toKey = (row: Record<string, unknown>): WrappedKey => ({
    keyId: String(row.key_id),
    userId: String(row.user_id),
    wrapped: bytes(row.wrapped),
  });
  return {
    async ensureSchema() {
      // Two processes starting at once can collide in the catalog despite IF NOT EXISTS.
      await db.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('flick.key-store-ddl'))`);
        await tx.query(`CREATE TABLE IF NOT EXISTS ${table} (
          key_id text PRIMARY KEY,
          user_id text NOT NULL UNIQUE,
          wrapped bytea NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`);
      });
    },
    async forUser(userId) {
      const { rows } = await db.query(`SELECT key_id, user_id, wrapped FROM ${table} WHERE user_id = $1`, [userId]);
      return rows[0] ? toKey(rows[0]) : undefined;
    },
    async byId(keyId) {
      const { rows } = await db.query(`SELECT key_id, user_id, wrapped FROM ${table} WHERE key_id = $1`, [keyId]);
      return rows[0] ? toKey(rows[0]) : undefined;
    },
    async putIfAbsent(key) {
      const { rows } = await db.query(
        `INSERT INTO ${table} (key_id, user_id, wrapped) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO NOTHING RETURNING key_id, user_id, wrapped`,
        [key.keyId, key.userId, Buffer.from(key.wrapped)],
      );
      if (rows[0]) return toKey(rows[0]);
      const existing = await this.forUser(key.userId);
      if (!existing) throw new Error(`key store: key for ${key.userId} vanished during creation`);
      return existing;
    },
    async deleteForUser(userId) {
      const { rows } = await db.query(`DELETE FROM ${table} WHERE user_id = $1 RETURNING key_id`, [userId]);
      return rows.length;
    },
  };
}
