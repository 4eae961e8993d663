// Wide-column tables on Cassandra: the schema maps one to one — PRIMARY KEY ((partition
// key), clustering…) WITH CLUSTERING ORDER BY, default_time_to_live for TTL tables. A scan
// is a single-partition slice; paging uses the driver's own paging state as the cursor,
// which is why a full last page may still carry a cursor (capability exactLastPage: false).

import type { Page, PartitionKeyOf, PrimaryKeyOf, RowOf, ScanOptions, TableSchema, WideColumnTable } from "../../ports/table.port.js";
import { checkOnePartition, keyColumns, pageLimit, partitionIdentity, requireColumns } from "../../internal/keys.js";
import { mergeByPrimaryKey } from "../../internal/merge.js";
import { chunks, cqlType, decodeValue, inParallel, qualified, quoteIdent, type Cql } from "./cassandra.cql.js";

/** Rows per single-partition batch of upsertBatch. */
const BATCH_SLICE = 50;
/** Statements of one upsertBatch in flight at once (the driver pipelines them per connection). */
const IN_FLIGHT = 64;

export async function createCassandraTable(cql: Cql, keyspace: string, schema: TableSchema): Promise<void> {
  const clustering = schema.clustering ?? [];
  const cols = [...keyColumns(schema), ...(schema.columns ?? [])].map((c) => `${quoteIdent(c.name)} ${cqlType(c.type)}`);
  const partition = `(${schema.partitionKey.map((c) => quoteIdent(c.name)).join(", ")})`;
  const pk = [partition, ...clustering.map((c) => quoteIdent(c.name))].join(", ");
  const options: string[] = [];
  if (clustering.length > 0) {
    options.push(`CLUSTERING ORDER BY (${clustering.map((c) => `${quoteIdent(c.name)} ${(c.order ?? "asc").toUpperCase()}`).join(", ")})`);
  }
  if (schema.ttlSeconds) options.push(`default_time_to_live = ${schema.ttlSeconds}`);
  await cql.ddl(
    `CREATE TABLE IF NOT EXISTS ${qualified(keyspace, schema.name)} (${cols.join(", ")}, PRIMARY KEY (${pk}))${options.length ? ` WITH ${options.join(" AND ")}` : ""}`,
  );
}

export function cassandraTable<S extends TableSchema>(cql: Cql, keyspace: string, schema: S): WideColumnTable<S> {
  const table = qualified(keyspace, schema.name);
  const keys = keyColumns(schema);
  const clustering = schema.clustering ?? [];
  const allColumns = [...keys, ...(schema.columns ?? [])];
  const selectList = allColumns.map((c) => quoteIdent(c.name)).join(", ");
  const typeOf = new Map(allColumns.map((c) => [c.name, c.type]));

  const decodeRow = (r: Record<string, unknown>) => Object.fromEntries(allColumns.map((c) => [c.name, decodeValue(c.type, r[c.name])])) as RowOf<S>;
  const whereKey = (cols: typeof keys, key: Record<string, unknown>) => ({
    text: cols.map((c) => `${quoteIdent(c.name)} = ?`).join(" AND "),
    params: cols.map((c) => cql.encode(c.type, key[c.name])),
  });
  /** INSERT of the columns the row provides: a left-out column is not touched (no tombstone). */
  const insert = (row: Record<string, unknown>) => {
    const provided = allColumns.filter((c) => row[c.name] !== undefined);
    return {
      query: `INSERT INTO ${table} (${provided.map((c) => quoteIdent(c.name)).join(", ")}) VALUES (${provided.map(() => "?").join(", ")})`,
      params: provided.map((c) => cql.encode(typeOf.get(c.name)!, row[c.name])),
    };
  };

  const get = async (key: PrimaryKeyOf<S>) => {
    const k = key as Record<string, unknown>;
    requireColumns(schema, k, keys, "get");
    const w = whereKey(keys, k);
    const rs = await cql.execute(`SELECT ${selectList} FROM ${table} WHERE ${w.text}`, w.params);
    return rs.rows[0] ? decodeRow(rs.rows[0]) : undefined;
  };

  const del = async (key: PrimaryKeyOf<S>) => {
    const k = key as Record<string, unknown>;
    requireColumns(schema, k, keys, "delete");
    const w = whereKey(keys, k);
    await cql.execute(`DELETE FROM ${table} WHERE ${w.text}`, w.params);
  };

  return {
    schema,

    async upsert(row) {
      const r = row as Record<string, unknown>;
      requireColumns(schema, r, keys, "upsert");
      const { query, params } = insert(r);
      await cql.execute(query, params);
    },

    async upsertMany(rows) {
      if (rows.length === 0) return;
      const records = rows as readonly Record<string, unknown>[];
      for (const r of records) requireColumns(schema, r, keys, "upsertMany");
      checkOnePartition(schema, records);
      // A single-partition batch is applied atomically and in isolation, and costs about
      // one write (no batchlog needed: unlogged).
      await cql.batch(mergeByPrimaryKey(schema, records).map(insert), { logged: false });
    },

    async upsertBatch(rows) {
      if (rows.length === 0) return;
      const records = rows as readonly Record<string, unknown>[];
      for (const r of records) requireColumns(schema, r, keys, "upsertBatch");
      // Cassandra's advice for bulk writes: no multi-partition batches (they load one
      // coordinator and, logged, the batchlog), but concurrent statements routed to each
      // partition's replicas; rows of one partition go together as an unlogged batch, in
      // slices that stay under the 5 kB batch warning for typical rows.
      const partitions = new Map<string, Record<string, unknown>[]>();
      for (const r of mergeByPrimaryKey(schema, records)) {
        const p = partitionIdentity(schema, r);
        let group = partitions.get(p);
        if (!group) partitions.set(p, (group = []));
        group.push(r);
      }
      const writes = [...partitions.values()].flatMap((group) => chunks(group, BATCH_SLICE));
      await inParallel(writes, IN_FLIGHT, async (slice) => {
        if (slice.length === 1) {
          const { query, params } = insert(slice[0]!);
          await cql.execute(query, params);
        } else await cql.batch(slice.map(insert), { logged: false });
      });
    },

    get,

    async getMany(list) {
      // Cassandra has no multi-partition read worth having (IN on the partition key is
      // a coordinator fan-out): point reads in parallel, the driver multiplexes them.
      return inParallel(list, IN_FLIGHT, get);
    },

    async deleteMany(list) {
      await inParallel(list, IN_FLIGHT, (key) => del(key));
    },

    delete: del,

    async deletePartition(partition: PartitionKeyOf<S>) {
      const p = partition as Record<string, unknown>;
      requireColumns(schema, p, schema.partitionKey, "deletePartition");
      const w = whereKey([...schema.partitionKey], p);
      await cql.execute(`DELETE FROM ${table} WHERE ${w.text}`, w.params);
    },

    async scan(partition, options: ScanOptions = {}): Promise<Page<RowOf<S>>> {
      const p = partition as Record<string, unknown>;
      requireColumns(schema, p, schema.partitionKey, "scan");
      const limit = pageLimit(options.limit);
      const w = whereKey([...schema.partitionKey], p);
      const where = [w.text];
      const params = [...w.params];
      const first = clustering[0];
      if (options.range && first) {
        const ops = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;
        for (const [bound, op] of Object.entries(ops)) {
          const value = options.range[bound as keyof typeof ops];
          if (value === undefined) continue;
          where.push(`${quoteIdent(first.name)} ${op} ?`);
          params.push(cql.encode(first.type, value));
        }
      }
      const rs = await cql.execute(`SELECT ${selectList} FROM ${table} WHERE ${where.join(" AND ")}`, params, {
        fetchSize: limit,
        pageState: options.cursor,
      });
      return rs.pageState ? { rows: rs.rows.map(decodeRow), cursor: rs.pageState } : { rows: rs.rows.map(decodeRow) };
    },
  } satisfies WideColumnTable<S> as WideColumnTable<S>;
}
