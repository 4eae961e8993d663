// A table seen through one projection batch (the inbox, the engagement lists): reads are
// cached and see the batch's own writes (prefetch: many keys in one getMany), writes wait
// in memory and go out in a few statements at flush time (deletes, then one upsertBatch). A like used to cost the inbox a dozen sequential round trips;
// buffered, a batch of likes costs a handful of statements per table.
//
// Rows keep the meaning of the port: an upsert leaves out columns it does not name, a
// delete followed by an upsert of the same key starts from an empty row.
import type { PrimaryKeyOf, RowOf, TableSchema, WideColumnTable } from "@flick/read-store";

interface PendingWrite<S extends TableSchema> {
  /** Delete the stored row before writing `row` (or without writing anything). */
  deleteFirst: boolean;
  key: PrimaryKeyOf<S>;
  row: RowOf<S> | undefined;
}

export class BufferedTable<S extends TableSchema> {
  readonly #known = new Map<string, RowOf<S> | undefined>();
  readonly #pending = new Map<string, PendingWrite<S>>();
  readonly #keyColumns: string[];

  /**
   * `concurrent`: issue independent statements at once (Cassandra multiplexes them); off
   * where the batch runs in one SQL transaction, whose one connection takes them in turn.
   */
  constructor(
    readonly table: WideColumnTable<S>,
    private readonly concurrent: boolean,
  ) {
    this.#keyColumns = [...table.schema.partitionKey, ...(table.schema.clustering ?? [])].map((c) => c.name);
  }

  async get(key: PrimaryKeyOf<S>): Promise<RowOf<S> | undefined> {
    const k = this.#keyOf(key);
    if (this.#known.has(k)) return this.#known.get(k);
    return this.#learn(k, await this.table.get(key));
  }

  /** Reads the keys not known yet in one round trip (a warm-up; get() stays the truth). */
  async prefetch(keys: readonly PrimaryKeyOf<S>[]): Promise<void> {
    const unknown = [...new Map(keys.map((key) => [this.#keyOf(key), key])).entries()].filter(([k]) => !this.#known.has(k));
    if (unknown.length === 0) return;
    const rows = await this.table.getMany(unknown.map(([, key]) => key));
    unknown.forEach(([k], i) => this.#learn(k, rows[i]));
  }

  /** Remembers what the store said, under what the batch wrote meanwhile. */
  #learn(k: string, stored: RowOf<S> | undefined): RowOf<S> | undefined {
    // A write buffered while the read was in flight wins over what the store said.
    if (this.#known.has(k)) return this.#known.get(k);
    const pending = this.#pending.get(k);
    const base = pending?.deleteFirst ? undefined : stored;
    const row = pending?.row ? ({ ...base, ...pending.row } as RowOf<S>) : base;
    this.#known.set(k, row);
    return row;
  }

  upsert(row: RowOf<S>): void {
    const k = this.#keyOf(row as PrimaryKeyOf<S>);
    const pending = this.#pending.get(k);
    if (pending) pending.row = { ...pending.row, ...row };
    else this.#pending.set(k, { deleteFirst: false, key: row as PrimaryKeyOf<S>, row: { ...row } });
    if (this.#known.has(k)) this.#known.set(k, { ...this.#known.get(k), ...row });
    // Unknown: the next get() reads the store and lays the pending row over it.
  }

  delete(key: PrimaryKeyOf<S>): void {
    const k = this.#keyOf(key);
    this.#pending.set(k, { deleteFirst: true, key, row: undefined });
    this.#known.set(k, undefined);
  }

  /** Writes what is buffered: deletes first, then the rows in one batch. */
  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const writes = [...this.#pending.values()];
    this.#pending.clear();
    const deletes = writes.filter((w) => w.deleteFirst).map((w) => w.key);
    if (deletes.length > 0) await this.table.deleteMany(deletes);
    const rows = writes.flatMap((w) => (w.row ? [w.row] : []));
    if (rows.length > 0) await this.table.upsertBatch(rows);
  }

  #keyOf(key: PrimaryKeyOf<S> | RowOf<S>): string {
    const record = key as Record<string, unknown>;
    return JSON.stringify(this.#keyColumns.map((c) => record[c] instanceof Date ? (record[c] as Date).toISOString() : record[c]));
  }
}

/** Runs `fn` over `items` all at once, or one after another. */
export async function inTurnOrAtOnce<T>(concurrent: boolean, items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  if (concurrent) await Promise.all(items.map(fn));
  else for (const item of items) await fn(item);
}
