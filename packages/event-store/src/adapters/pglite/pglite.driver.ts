import type { PGlite } from "@electric-sql/pglite";
import type { Row, SqlDriver } from "../postgres/sql-driver.js";

/**
 * PGlite is one connection: statements and transactions are serialised by PGlite itself,
 * and group commit (one group in flight) batches appends through that single queue.
 */
export function createPgliteDriver(db: PGlite, ownsDb: boolean): SqlDriver {
  return {
    maxConnections: 1,
    query: async (text, params) => (await db.query<Row>(text, params)).rows,
    transaction: (fn) => db.transaction((tx) => fn(async (text, params) => (await tx.query<Row>(text, params)).rows)),
    // Only matters when several stores share one PGlite; a lone store rings its own doorbell.
    listen: (channel, onNotify) => db.listen(channel, () => onNotify()).then((stop) => () => stop()),
    // In-process: there is no connection to lose, only a closed instance.
    isConnectionError: (error) => error instanceof Error && /PGlite is closed/i.test(error.message),
    close: async () => {
      if (ownsDb && !db.closed) await db.close();
    },
  };
}
