// Write-behind buffers for a projection's batch: the writes a batch makes to list tables,
// sets and counters are collected (the last write per row or member wins, reads see them)
// and flushed at the end in as few statements as the ports allow — one upsertMany per
// partition, one set call per key, one incrementMany per counter. A bulk import's batch
// of 500 videos by 20 creators then costs tens of statements instead of thousands.
// Every buffered write is absolute (upsert, delete, add, remove) or keyed by event id
// (increments), so a batch redelivered after a crash half way through a flush converges.
import type { Counters, CounterIncrement, PrimaryKeyOf, RowOf, ScoreIncrement, Sets, SortedSets, TableSchema, WideColumnTable } from "@flick/read-store";

/** Cassandra logs batches over 5 kB: partitions are written in slices of this many rows. */
const SLICE = 50;

const keyPart = (v: unknown): unknown => (v instanceof Date ? v.getTime() : typeof v === "bigint" ? v.toString() : v);

export class TableBuffer<S extends TableSchema> {
  private readonly ops = new Map<string, { key: PrimaryKeyOf<S>; row: RowOf<S> | undefined }>();
  private readonly keyColumns: string[];
  private readonly partitionColumns: string[];

  constructor(readonly table: WideColumnTable<S>) {
    this.partitionColumns = table.schema.partitionKey.map((c) => c.name);
    this.keyColumns = [...this.partitionColumns, ...(table.schema.clustering ?? []).map((c) => c.name)];
  }

  private id(row: object, columns = this.keyColumns): string {
    return JSON.stringify(columns.map((c) => keyPart((row as Record<string, unknown>)[c])));
  }

  /** A whole row, as the list tables write them (a later write of the same key replaces it here). */
  upsert(row: RowOf<S>): void {
    this.ops.set(this.id(row), { key: row, row });
  }

  delete(key: PrimaryKeyOf<S>): void {
    this.ops.set(this.id(key), { key, row: undefined });
  }

  async get(key: PrimaryKeyOf<S>): Promise<RowOf<S> | undefined> {
    const op = this.ops.get(this.id(key));
    return op ? op.row : this.table.get(key);
  }

  async flush(): Promise<void> {
    const partitions = new Map<string, RowOf<S>[]>();
    for (const { key, row } of this.ops.values()) {
      if (!row) {
        await this.table.delete(key);
        continue;
      }
      const p = this.id(row, this.partitionColumns);
      let rows = partitions.get(p);
      if (!rows) partitions.set(p, (rows = []));
      rows.push(row);
    }
    this.ops.clear();
    for (const rows of partitions.values()) {
      for (let i = 0; i < rows.length; i += SLICE) await this.table.upsertMany(rows.slice(i, i + SLICE));
    }
  }
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
    for (const [key, members] of this.ops) {
      const added = [...members].filter(([, o]) => o.add);
      const removed = [...members].filter(([, o]) => !o.add).map(([m]) => m);
      if (removed.length) await this.sets.remove(key, removed);
      // One call per key; the batch's last add time stands for all (these sets never expire).
      if (added.length) await this.sets.add(key, added.map(([m]) => m), { at: added.at(-1)![1].at });
    }
    this.ops.clear();
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
