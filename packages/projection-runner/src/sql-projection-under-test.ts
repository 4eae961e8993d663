// Lets ProjectionSpecification (kernel/spec.ts) drive a PostgreSQL-family projection: each
// run gets a fresh schema in the given database, the handler runs in a transaction with
// search_path on that schema, exactly as the runner calls it.

import { randomUUID } from "node:crypto";
import type { ProjectionUnderTest, SqlDatabase, SqlQueryable } from "@flick/kernel";
import type { Projection } from "./projection.js";

export function sqlProjectionUnderTest<Model>(
  db: SqlDatabase,
  projection: Projection<SqlQueryable>,
  read: (db: SqlQueryable, schema: string) => Promise<Model>,
): ProjectionUnderTest<string, Model> {
  const inSchema = (schema: string, work: (tx: SqlQueryable) => Promise<void>) =>
    db.transaction(async (tx) => {
      await tx.query(`SET LOCAL search_path TO ${schema}`);
      await work(tx);
    });
  return {
    async setup() {
      const schema = `spec_${randomUUID().replaceAll("-", "")}`;
      await db.query(`CREATE SCHEMA ${schema}`);
      await inSchema(schema, async (tx) => projection.setup?.(tx));
      return schema;
    },
    handle: (events, schema) => inSchema(schema, (tx) => projection.handle(events, tx)),
    read: (schema) => read(db, schema),
    teardown: async (schema) => void (await db.query(`DROP SCHEMA ${schema} CASCADE`)),
  };
}
