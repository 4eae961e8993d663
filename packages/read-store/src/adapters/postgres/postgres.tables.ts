// Wide-column tables on the PostgreSQL family: the primary key is (partition key,
// clustering columns), an index in clustering order serves scans when orders are mixed,
// and a scan is one index range read: partition equality, bounds on the first clustering
// column, "after the cursor" as a key comparison, ORDER BY the clustering order, LIMIT.

import type { SqlQueryable } from "@flick/kernel";
import type { Page, PartitionKeyOf, RowOf, ScanOptions, TableSchema, WideColumnTable } from "../../ports/table.port.js";
import { decodeCursor, encodeCursor } from "../../internal/cursor.js";
import { checkOnePartition, keyColumns, pageLimit, primaryKeyIdentity, requireColumns } from "../../internal/keys.js";
import { mergeByPrimaryKey } from "../../internal/merge.js";
import { castType, decodeValue, encodeValue, idempotentDdl, quoteIdent, selectColumn, sqlType, sweepExpired, tableName } from "./postgres.sql.js";

const EXPIRES = "_expires_at";
/** Parameters per statement in a batch: under PostgreSQL's 65,535 with room to spare. */
const MAX_PARAMS = 30_000;

export async function createPostgresTable(sql: SqlQueryable, schemaName: string | undefined, schema: TableSchema): Promise<void> {
  const table = tableName(schemaName, schema.name);
  const keys = keyColumns(schema);
  const defs = [...keys.map((c) => `${quoteIdent(c.name)} ${sqlType(c.type)} NOT NULL`), ...(schema.columns ?? []).map((c) => `${quoteIdent(c.name)} ${sqlType(c.type)}`)];
  if (schema.ttlSeconds) defs.push(`${EXPIRES} timestamptz`);
  defs.push(`PRIMARY KEY (${keys.map((c) => quoteIdent(c.name)).join(", ")})`);
  await idempotentDdl(sql, `CREATE TABLE IF NOT EXISTS ${table} (${defs.join(", ")})`);
  const clustering = schema.clustering ?? [];
  // The primary key's index serves all-ascending and (scanned backwards) all-descending
  // orders; a mix needs an index in exactly the clustering order.
  const orders = new Set(clustering.map((c) => c.order ?? "asc"));
  if (orders.size > 1) {
    const cols = [...schema.partitionKey.map((c) => quoteIdent(c.name)), ...clustering.map((c) => `${quoteIdent(c.name)} ${(c.order ?? "asc").toUpperCase()}`)];
    await idempotentDdl(sql, `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${schema.name}__clustering`)} ON ${table} (${cols.join(", ")})`);
  }
  if (schema.ttlSeconds) {
    await idempotentDdl(sql, `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${schema.name}__expiry`)} ON ${table} (${EXPIRES}) WHERE ${EXPIRES} IS NOT NULL`);
  }
}

export function postgresTable<S extends TableSchema>(sql: SqlQueryable, schemaName: string | undefined, schema: S): WideColumnTable<S> {
  const table = tableName(schemaName, schema.name);
  const keys = keyColumns(schema);
  const clustering = schema.clustering ?? [];
  const allColumns = [...keys, ...(schema.columns ?? [])];
  const selectList = allColumns.map(selectColumn).join(", ");
  const ttl = schema.ttlSeconds;
  const live = ttl ? ` AND (${EXPIRES} IS NULL OR ${EXPIRES} > now())` : "";
  // Qualified: a bare name in ORDER BY would mean the select-list alias, and bigint
  // columns are selected as text (which sorts "9" after "10").
  const orderBy = clustering.map((c) => `r.${quoteIdent(c.name)} ${(c.order ?? "asc").toUpperCase()}`).join(", ");

  const decodeRow = (r: Record<string, unknown>) =>
    Object.fromEntries(allColumns.map((c) => [c.name, decodeValue(c.type, r[c.name])])) as RowOf<S>;

  /** `col = $n AND …` for the given key columns, appending their values to params. */
  const whereKey = (cols: typeof keys, key: Record<string, unknown>, params: unknown[]) =>
    cols
      .map((c) => {
        params.push(encodeValue(c.type, key[c.name]));
        return `${quoteIdent(c.name)} = $${params.length}::${castType(c.type)}`;
      })
      .join(" AND ");

  /** One INSERT … ON CONFLICT for rows that provide the same columns. */
  const upsertStatement = (rows: readonly Record<string, unknown>[], params: unknown[]) => {
    const provided = allColumns.filter((c) => rows[0]![c.name] !== undefined);
    const names = provided.map((c) => quoteIdent(c.name));
    if (ttl) names.push(EXPIRES);
    const tuples = rows.map((row) => {
      const values = provided.map((c) => {
        params.push(encodeValue(c.type, row[c.name]));
        return `$${params.length}::${castType(c.type)}`;
      });
      if (ttl) values.push(`now() + make_interval(secs => ${ttl})`);
      return `(${values.join(", ")})`;
    });
    const updates = (schema.columns ?? []).map((c) => {
      const q = quoteIdent(c.name);
      if (rows[0]![c.name] !== undefined) return `${q} = EXCLUDED.${q}`;
      // A column left out keeps its value, unless the row had expired: then, as on
      // Cassandra, nothing of the old row survives.
      return ttl ? `${q} = CASE WHEN t.${EXPIRES} <= now() THEN NULL ELSE t.${q} END` : undefined;
    });
    if (ttl) updates.push(`${EXPIRES} = EXCLUDED.${EXPIRES}`);
    const set = updates.filter((u): u is string => u !== undefined);
    const conflict = `ON CONFLICT (${keys.map((c) => quoteIdent(c.name)).join(", ")}) ${set.length ? `DO UPDATE SET ${set.join(", ")}` : "DO NOTHING"}`;
    return `INSERT INTO ${table} AS t (${names.join(", ")}) VALUES ${tuples.join(", ")} ${conflict}`;
  };

  /**
   * `(k1, k2) IN ((…), (…))` over distinct keys, in statements of bounded size: one
   * index probe per key.
   */
  const keysIn = (list: readonly Record<string, unknown>[]) => {
    const unique = [...new Map(list.map((k) => [primaryKeyIdentity(schema, k), k])).values()];
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / keys.length));
    const statements: { text: string; params: unknown[] }[] = [];
    for (let i = 0; i < unique.length; i += perStatement) {
      const params: unknown[] = [];
      const tuples = unique.slice(i, i + perStatement).map((k) => {
        const values = keys.map((c) => {
          params.push(encodeValue(c.type, k[c.name]));
          return `$${params.length}::${castType(c.type)}`;
        });
        return `(${values.join(", ")})`;
      });
      statements.push({ text: `(${keys.map((c) => quoteIdent(c.name)).join(", ")}) IN (${tuples.join(", ")})`, params });
    }
    return statements;
  };

  const sweep = () => (ttl ? sweepExpired(sql, table, `${EXPIRES} <= now()`) : Promise.resolve());

  /** Rows grouped by the columns they provide: one INSERT per group, so a left-out column never becomes NULL. */
  const byShape = (rows: Record<string, unknown>[]) => {
    const groups = new Map<string, Record<string, unknown>[]>();
    for (const r of rows) {
      const shape = allColumns.map((c) => (r[c.name] === undefined ? 0 : 1)).join("");
      let group = groups.get(shape);
      if (!group) groups.set(shape, (group = []));
      group.push(r);
    }
    return [...groups.values()];
  };

  return {
    schema,

    async upsert(row) {
      const r = row as Record<string, unknown>;
      requireColumns(schema, r, keys, "upsert");
      const params: unknown[] = [];
      await sql.query(upsertStatement([r], params), params);
      await sweep();
    },

    async upsertMany(rows) {
      if (rows.length === 0) return;
      const records = rows as readonly Record<string, unknown>[];
      for (const r of records) requireColumns(schema, r, keys, "upsertMany");
      checkOnePartition(schema, records);
      // Each group of rows providing the same columns is one INSERT, and all groups run as
      // one statement (data-modifying CTEs), so the batch is atomic even outside a transaction.
      const params: unknown[] = [];
      const statements = byShape(mergeByPrimaryKey(schema, records)).map((g) => upsertStatement(g, params));
      const text =
        statements.length === 1 ? statements[0]! : `WITH ${statements.slice(1).map((s, i) => `g${i} AS (${s})`).join(", ")} ${statements[0]}`;
      await sql.query(text, params);
      await sweep();
    },

    async upsertBatch(rows) {
      if (rows.length === 0) return;
      const records = rows as readonly Record<string, unknown>[];
      for (const r of records) requireColumns(schema, r, keys, "upsertBatch");
      // One multi-row INSERT … ON CONFLICT per shape, cut where PostgreSQL's limit of
      // 65,535 parameters per statement would be reached.
      for (const group of byShape(mergeByPrimaryKey(schema, records))) {
        const perRow = allColumns.filter((c) => group[0]![c.name] !== undefined).length;
        const size = Math.max(1, Math.floor(MAX_PARAMS / perRow));
        for (let i = 0; i < group.length; i += size) {
          const params: unknown[] = [];
          await sql.query(upsertStatement(group.slice(i, i + size), params), params);
        }
      }
      await sweep();
    },

    async get(key) {
      const k = key as Record<string, unknown>;
      requireColumns(schema, k, keys, "get");
      const params: unknown[] = [];
      const { rows } = await sql.query(`SELECT ${selectList} FROM ${table} WHERE ${whereKey(keys, k, params)}${live}`, params);
      return rows[0] ? decodeRow(rows[0]) : undefined;
    },

    async getMany(list) {
      const wanted = list as readonly Record<string, unknown>[];
      for (const k of wanted) requireColumns(schema, k, keys, "getMany");
      const found = new Map<string, RowOf<S>>();
      for (const { text, params } of keysIn(wanted)) {
        const { rows } = await sql.query(`SELECT ${selectList} FROM ${table} WHERE ${text}${live}`, params);
        for (const r of rows) {
          const row = decodeRow(r);
          found.set(primaryKeyIdentity(schema, row as Record<string, unknown>), row);
        }
      }
      return wanted.map((k) => found.get(primaryKeyIdentity(schema, k)));
    },

    async delete(key) {
      const k = key as Record<string, unknown>;
      requireColumns(schema, k, keys, "delete");
      const params: unknown[] = [];
      await sql.query(`DELETE FROM ${table} WHERE ${whereKey(keys, k, params)}`, params);
    },

    async deleteMany(list) {
      const wanted = list as readonly Record<string, unknown>[];
      for (const k of wanted) requireColumns(schema, k, keys, "deleteMany");
      for (const { text, params } of keysIn(wanted)) await sql.query(`DELETE FROM ${table} WHERE ${text}`, params);
    },

    async deletePartition(partition: PartitionKeyOf<S>) {
      const p = partition as Record<string, unknown>;
      requireColumns(schema, p, schema.partitionKey, "deletePartition");
      const params: unknown[] = [];
      await sql.query(`DELETE FROM ${table} WHERE ${whereKey([...schema.partitionKey], p, params)}`, params);
    },

    async scan(partition, options: ScanOptions = {}): Promise<Page<RowOf<S>>> {
      const p = partition as Record<string, unknown>;
      requireColumns(schema, p, schema.partitionKey, "scan");
      const limit = pageLimit(options.limit);
      const params: unknown[] = [];
      const where = [whereKey([...schema.partitionKey], p, params)];
      const first = clustering[0];
      if (options.range && first) {
        const ops = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;
        for (const [bound, op] of Object.entries(ops)) {
          const value = options.range[bound as keyof typeof ops];
          if (value === undefined) continue;
          params.push(encodeValue(first.type, value));
          where.push(`${quoteIdent(first.name)} ${op} $${params.length}::${castType(first.type)}`);
        }
      }
      if (options.cursor !== undefined) {
        if (clustering.length === 0) return { rows: [] }; // one row per partition: already returned
        const after = decodeCursor(options.cursor, clustering.length);
        where.push(afterCursor(clustering, after, params));
      }
      params.push(limit + 1);
      const { rows } = await sql.query(
        `SELECT ${selectList} FROM ${table} AS r WHERE ${where.join(" AND ")}${live}${orderBy ? ` ORDER BY ${orderBy}` : ""} LIMIT $${params.length}`,
        params,
      );
      const page = rows.slice(0, limit).map(decodeRow);
      const last = page.at(-1) as Record<string, unknown> | undefined;
      return rows.length > limit && last ? { rows: page, cursor: encodeCursor(clustering.map((c) => last[c.name])) } : { rows: page };
    },
  } satisfies WideColumnTable<S> as WideColumnTable<S>;
}

/**
 * "Strictly after this clustering key, in clustering order". With one direction it is a
 * row comparison (one index bound); mixed directions expand to
 * (c1 op v1) OR (c1 = v1 AND c2 op v2) OR …, where op is > for asc and < for desc.
 */
function afterCursor(clustering: TableSchema["clustering"] & object, values: unknown[], params: unknown[]): string {
  const refs = clustering.map((c, i) => {
    params.push(encodeValue(c.type, values[i]));
    return { col: quoteIdent(c.name), param: `$${params.length}::${castType(c.type)}`, op: (c.order ?? "asc") === "asc" ? ">" : "<" };
  });
  if (new Set(refs.map((r) => r.op)).size === 1) {
    return `(${refs.map((r) => r.col).join(", ")}) ${refs[0]!.op} (${refs.map((r) => r.param).join(", ")})`;
  }
  const terms = refs.map((r, i) => [...refs.slice(0, i).map((e) => `${e.col} = ${e.param}`), `${r.col} ${r.op} ${r.param}`].join(" AND "));
  return `(${terms.map((t) => `(${t})`).join(" OR ")})`;
}

