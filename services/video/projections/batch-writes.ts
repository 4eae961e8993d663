// Write-behind buffers for a projection's batch: the writes a batch makes to tables, sets
// and counters are collected (writes of one row merge, the last write per member wins,
// reads see them) and flushed at the end in as few statements as the ports allow — one
// upsertBatch per table (a multi-row INSERT on the PostgreSQL family, concurrent
// per-partition writes on Cassandra), one addMany for the sets, one incrementMany per
// counter. A bulk import's batch of 500 videos then costs tens of statements, not thousands.
// Every buffered write is absolute (upsert, delete, add, remove) or keyed by event id
// (increments), so a batch redelivered after a crash half way through a flush converges.
import type { Counters, CounterIncrement, PrimaryKeyOf, RowOf, ScoreIncrement, SetAddition, Sets, SortedSets, TableSchema, WideColumnTable } from "@flick/read-store";

const keyPart = (v: unknown): unknown => (v instanceof Date ? v.getTime() : typeof v === "bigint" ? v.toString() : v);

interface PendingRow<S extends TableSchema> {
  key: PrimaryKeyOf<S>;
  /** The stored row is deleted first (a delete, possibly followed by upserts). */
  deleted: boolean;
  /** Columns written in this batch, merged (later values win); undefined: nothing to write. */
  row: RowOf<S> | undefined;
  /** The stored row as first read in this batch (null: read, absent). */
  stored?: RowOf<S> | null;
}

export class TableBuffer<S extends TableSchema> {
  private readonly ops = new Map<string, PendingRow<S>>();
  private readonly keyColumns: string[];
  private readonly allColumns: string[];

  constructor(readonly table: WideColumnTable<S>) {
    this.keyColumns = [...table.schema.partitionKey, ...(table.schema.clustering ?? [])].map((c) => c.name);
    this.allColumns = [...this.keyColumns, ...(table.schema.columns ?? []).map((c) => c.name)];
  }

  private id(row: object): string {
    return JSON.stringify(this.keyColumns.map((c) => keyPart((row as Record<string, unknown>)[c])));
  }

  /** As the table's upsert: columns left out keep their value (merged with this batch's earlier writes of the row). */
  upsert(row: RowOf<S>): void {
    const id = this.id(row);
    const op = this.ops.get(id);
    if (!op) this.ops.set(id, { key: row, deleted: false, row });
    else op.row = op.row ? ({ ...op.row, ...definedOnly(row) } as RowOf<S>) : row;
  }

  delete(key: PrimaryKeyOf<S>): void {
    this.ops.set(this.id(key), { key, deleted: true, row: undefined, stored: null });
  }

  /** The row as it will be once the batch is flushed. */
  async get(key: PrimaryKeyOf<S>): Promise<RowOf<S> | undefined> {
    const id = this.id(key);
    let op = this.ops.get(id);
    if (!op) this.ops.set(id, (op = { key, deleted: false, row: undefined }));
    // A row this batch wrote whole needs no read.
    if (op.row && op.stored === undefined && this.allColumns.every((c) => (op.row as Record<string, unknown>)[c] !== undefined)) return op.row;
    if (op.stored === undefined) op.stored = (await this.table.get(key)) ?? null;
    if (!op.row) return op.stored ?? undefined;
    const base = op.stored ?? (Object.fromEntries(this.allColumns.map((c) => [c, null])) as RowOf<S>);
    return { ...base, ...definedOnly(op.row) } as RowOf<S>;
  }

  async flush(): Promise<void> {
    const ops = [...this.ops.values()];
    this.ops.clear();
    for (const op of ops) if (op.deleted) await this.table.delete(op.key);
    const rows = ops.flatMap((op) => (op.row ? [op.row] : []));
    if (rows.length) await this.table.upsertBatch(rows);
  }
}

function definedOnly(row: object): object {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
}

export class SetBuffer {
  private readonly ops = new Map<string, Map<string, { add: boolean; at: Date }>>();
  constructor(readonly sets: Sets) {}

  set(key: string, member: string, present: boolean, at: Date): void {
    let members = this.ops.get(key);
    if (!members) this.ops.set(key, (members = new Map()));
    members.set(member, { add: present, at });
  }

  async flush(): Promise<void> {
    const additions: SetAddition[] = [];
    for (const [key, members] of this.ops) {
      const added = [...members].filter(([, o]) => o.add);
      const removed = [...members].filter(([, o]) => !o.add).map(([m]) => m);
      if (removed.length) await this.sets.remove(key, removed);
      // One entry per key; the batch's last add time stands for all (these sets never expire).
      if (added.length) additions.push({ key, members: added.map(([m]) => m), at: added.at(-1)![1].at });
    }
    this.ops.clear();
    if (additions.length) await this.sets.addMany(additions);
  }
}

export class CounterBuffer {
  private increments: CounterIncrement[] = [];
  constructor(readonly counters: Counters) {}
  increment(key: string, by: number, eventId: string): void {
    this.increments.push({ key, by, eventId });
  }
  async flush(): Promise<void> {
    if (this.increments.length) await this.counters.incrementMany(this.increments);
    this.increments = [];
  }
}

export class ScoreBuffer {
  private increments: ScoreIncrement[] = [];
  constructor(readonly sortedSets: SortedSets) {}
  increment(key: string, member: string, by: number, eventId: string): void {
    this.increments.push({ key, member, by, eventId });
  }
  async flush(): Promise<void> {
    if (this.increments.length) await this.sortedSets.incrementMany(this.increments);
    this.increments = [];
  }
}
