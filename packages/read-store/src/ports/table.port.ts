// Wide-column tables: the read-model shape every engine can serve from one partition.
// A table is described once (partition key, clustering columns with their order, value
// columns); each adapter creates its own table from the description. Queries never join
// and never span partitions: a caller reads one row by its primary key, or one partition
// in clustering order, a page at a time. That is Cassandra's model, and the PostgreSQL
// family implements the same shapes so a read model moves between profiles unchanged.

export type ColumnType = "text" | "int" | "bigint" | "double" | "boolean" | "timestamp" | "uuid" | "json" | "bytes";

/** The TypeScript value of each column type. `int` is 32-bit; `bigint` is exact. */
export interface ColumnValueTypes {
  text: string;
  int: number;
  bigint: bigint;
  double: number;
  boolean: boolean;
  timestamp: Date;
  uuid: string;
  json: unknown;
  bytes: Uint8Array;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
}

export interface ClusteringColumnDef extends ColumnDef {
  /** Order of rows inside a partition (default "asc"); scans return rows in this order. */
  readonly order?: "asc" | "desc";
}

export interface TableSchema {
  readonly kind: "table";
  /** Lowercase letters, digits and underscores, starting with a letter; at most 32 characters. */
  readonly name: string;
  /** Rows with equal partition keys live together and are scanned together. */
  readonly partitionKey: readonly ColumnDef[];
  /** Orders rows inside a partition; with the partition key, forms the primary key. */
  readonly clustering?: readonly ClusteringColumnDef[];
  readonly columns?: readonly ColumnDef[];
  /** Rows expire this long after they were last upserted (Cassandra's default_time_to_live). */
  readonly ttlSeconds?: number;
}

/** Describes a table; `const` keeps the column names and types for row typing. */
export function defineTable<const S extends Omit<TableSchema, "kind">>(schema: S): S & { readonly kind: "table" } {
  return { ...schema, kind: "table" };
}

type ValueOf<C extends ColumnDef> = ColumnValueTypes[C["type"]];
type ClusteringOf<S extends TableSchema> = S["clustering"] extends readonly ColumnDef[] ? S["clustering"][number] : never;
type ValueColumnsOf<S extends TableSchema> = S["columns"] extends readonly ColumnDef[] ? S["columns"][number] : never;

/** The partition key of a table, e.g. `{ user_id: "u1" }`. */
export type PartitionKeyOf<S extends TableSchema> = { [C in S["partitionKey"][number] as C["name"]]: ValueOf<C> };
/** The full primary key: partition key and every clustering column. */
export type PrimaryKeyOf<S extends TableSchema> = PartitionKeyOf<S> & { [C in ClusteringOf<S> as C["name"]]: ValueOf<C> };
/**
 * A row. On write, a value column left out keeps its stored value and `null` clears it;
 * on read, a value column never written is `null`.
 */
export type RowOf<S extends TableSchema> = PrimaryKeyOf<S> & { [C in ValueColumnsOf<S> as C["name"]]?: ValueOf<C> | null };

/** The type of the first clustering column: what range bounds compare against. */
export type FirstClusteringValueOf<S extends TableSchema> = S["clustering"] extends readonly [infer C extends ColumnDef, ...unknown[]]
  ? ValueOf<C>
  : never;

/** Bounds on the first clustering column, by value (whatever the clustering order). */
export interface RangeBounds<T> {
  gt?: T;
  gte?: T;
  lt?: T;
  lte?: T;
}

export interface ScanOptions<T = unknown> {
  /** Rows per page (default 100, at most 5000). */
  limit?: number;
  /** From the previous page; pass the same partition and range with it. */
  cursor?: string;
  range?: RangeBounds<T>;
}

export interface Page<R> {
  rows: R[];
  /**
   * Present when more rows may follow. Where the adapter's `exactLastPage` capability is
   * false (Cassandra's native paging), a full last page may still carry a cursor that
   * then yields an empty page.
   */
  cursor?: string;
}

export interface WideColumnTable<S extends TableSchema> {
  readonly schema: S;
  /** Inserts or updates one row (idempotent). */
  upsert(row: RowOf<S>): Promise<void>;
  /** Upserts rows of ONE partition atomically (throws if their partition keys differ). */
  upsertMany(rows: readonly RowOf<S>[]): Promise<void>;
  /**
   * Upserts rows of any partitions in as few round trips as the engine allows: a bulk
   * load's thousands of rows cost a handful of statements instead of one each. Each row is
   * written as `upsert` would (columns left out are kept) and rows sharing a primary key
   * are merged, later values winning; the batch as a whole is not atomic (no engine offers
   * cross-partition atomicity the port could promise), so a caller that may be interrupted
   * must be able to write it again (projections: absolute writes, redelivered batches).
   */
  upsertBatch(rows: readonly RowOf<S>[]): Promise<void>;
  get(key: PrimaryKeyOf<S>): Promise<RowOf<S> | undefined>;
  /**
   * Rows by primary key, in the order of `keys` (undefined where there is none): one
   * statement on the PostgreSQL family, point reads in parallel on Cassandra. A
   * projection that reads many rows per batch pays one round trip instead of one each.
   */
  getMany(keys: readonly PrimaryKeyOf<S>[]): Promise<(RowOf<S> | undefined)[]>;
  delete(key: PrimaryKeyOf<S>): Promise<void>;
  /** Deletes rows by primary key: one statement on the PostgreSQL family, parallel deletes on Cassandra; not atomic as a whole. */
  deleteMany(keys: readonly PrimaryKeyOf<S>[]): Promise<void>;
  deletePartition(partition: PartitionKeyOf<S>): Promise<void>;
  /** One page of a partition, in clustering order. */
  scan(partition: PartitionKeyOf<S>, options?: ScanOptions<FirstClusteringValueOf<S>>): Promise<Page<RowOf<S>>>;
}
