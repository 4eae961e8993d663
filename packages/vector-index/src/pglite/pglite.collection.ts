// One pgvector collection: a table with the vector, the payload as columns (so filters
// are plain SQL), and an HNSW index with the metric's operator class.

import { filterLists } from "../internal/filter.js";
import { checkId, checkK, checkPayload, checkVector } from "../internal/validate.js";
import type { CollectionSpec, ScoredId, SearchFilter, SearchHit, VectorCollection, VectorInput, VectorPayload, VectorRecord, Visibility } from "../vector-index.port.js";
import type { PgliteLike } from "./pglite.db.js";
import { indexDdl, parseVector, scoreOf, searchSql, tableDdl, tableOf, upsertSql, vectorLiteral, type HnswIndexParams } from "./pglite.sql.js";

/** pgvector caps hnsw.ef_search at 1000, and an HNSW scan returns at most ef_search rows. */
export const PGVECTOR_MAX_K = 1000;

export interface PgliteSearchTuning {
  /** hnsw.ef_search = min(1000, max(minEfSearch, ⌈k · efSearchFactor⌉)). */
  efSearchFactor: number;
  minEfSearch: number;
  /** Rows per INSERT statement in upsertMany and load. */
  batchSize: number;
  /** maintenance_work_mem while an index is built (pgvector builds in memory when it fits). */
  buildMemory: string;
}

interface Row {
  id: string;
  distance: number;
  creator_id: string;
  sound_id: string | null;
  created_at: number;
  visibility: Visibility;
}

interface CheckedRecord {
  id: string;
  vector: Float32Array;
  payload: VectorPayload;
}

export class PgliteCollection implements VectorCollection {
  private readonly table: string;
  /** Set while a load runs: ids written meanwhile, which the loaded rows must not overwrite. */
  private touched: Set<string> | undefined;

  constructor(
    private readonly db: PgliteLike,
    readonly spec: CollectionSpec,
    private readonly index: HnswIndexParams,
    private readonly tuning: PgliteSearchTuning,
  ) {
    this.table = tableOf(spec.name);
  }

  async upsert(id: string, vector: VectorInput, payload: VectorPayload): Promise<void> {
    await this.write(this.table, [this.check({ id, vector, payload })]);
  }

  async upsertMany(records: readonly VectorRecord[]): Promise<void> {
    const checked = records.map((r) => this.check(r));
    // One transaction, so a failing batch leaves none of the records half-applied.
    await this.db.transaction(async (tx) => {
      for (let i = 0; i < checked.length; i += this.tuning.batchSize) {
        await this.write(this.table, checked.slice(i, i + this.tuning.batchSize), tx);
      }
    });
  }

  async delete(id: string): Promise<boolean> {
    checkId(this.spec, id);
    this.touched?.add(id);
    const r = await this.db.query(`delete from ${this.table} where id = $1`, [id]);
    return (r.affectedRows ?? 0) > 0;
  }

  async get(id: string): Promise<Float32Array | undefined> {
    const r = await this.db.query<{ embedding: string }>(`select embedding::text as embedding from ${this.table} where id = $1`, [id]);
    return r.rows[0] ? parseVector(r.rows[0].embedding) : undefined;
  }

  async count(): Promise<number> {
    const r = await this.db.query<{ n: number }>(`select count(*)::int as n from ${this.table}`);
    return r.rows[0]!.n;
  }

  async search(vector: VectorInput, k: number, filter?: SearchFilter): Promise<SearchHit[]> {
    const query = vectorLiteral(checkVector(this.spec, vector));
    checkK(this.spec, k, PGVECTOR_MAX_K);
    const f = filterLists(filter);
    const { text, params } = searchSql(this.table, this.spec, f);
    params[0] = query;
    params[1] = k;
    const efSearch = Math.min(PGVECTOR_MAX_K, Math.max(this.tuning.minEfSearch, Math.ceil(k * this.tuning.efSearchFactor)));
    const filtered = f.excludeIds.length > 0 || f.excludeCreatorIds.length > 0 || f.publicOnly || f.createdAfter !== undefined;
    // SET LOCAL needs a transaction; it keeps these settings from leaking to other callers
    // sharing the PGlite instance.
    return this.db.transaction(async (tx) => {
      await tx.exec(
        `set local hnsw.ef_search = ${efSearch};` +
          // Keep walking the graph while the filter drops rows (pgvector ≥ 0.8), up to a
          // bound that grows with the ids excluded outright.
          `set local hnsw.iterative_scan = relaxed_order;` +
          `set local hnsw.max_scan_tuples = ${Math.max(20_000, 20 * k + f.excludeIds.length)};`,
      );
      let rows = (await tx.query<Row>(text, params)).rows;
      // Iterative scans give up at max_scan_tuples; a very selective filter can then leave
      // fewer than k rows although more pass. An exact scan keeps the port's promise.
      if (filtered && rows.length < k) {
        await tx.exec(`set local enable_indexscan = off;`);
        rows = (await tx.query<Row>(text, params)).rows;
      }
      return rows.map((r) => ({
        id: r.id,
        score: scoreOf(this.spec.metric, r.distance),
        payload: { creatorId: r.creator_id, soundId: r.sound_id, createdAt: r.created_at, visibility: r.visibility },
      }));
    });
  }

  async searchIds(vector: VectorInput, k: number, filter?: SearchFilter): Promise<ScoredId[]> {
    // The payload columns come back with the row anyway: only the hit objects are spared.
    return (await this.search(vector, k, filter)).map(({ id, score }) => ({ id, score }));
  }

  /**
   * Loads into a fresh table without an index, builds the index once (pgvector builds an
   * HNSW index far faster in bulk than row by row), then swaps the tables in one
   * transaction, so searches see the old contents until the new ones are complete.
   */
  async load(source: AsyncIterable<VectorRecord> | Iterable<VectorRecord>): Promise<{ loaded: number }> {
    if (this.touched) throw new Error(`vector collection "${this.spec.name}": a load is already running`);
    const staging = `${this.table}_load`;
    this.touched = new Set();
    try {
      await this.db.exec(`drop table if exists ${staging}; ${tableDdl(staging, this.spec.dimension)};`);
      let loaded = 0;
      let batch: CheckedRecord[] = [];
      for await (const r of source) {
        batch.push(this.check(r));
        loaded++;
        if (batch.length >= this.tuning.batchSize) {
          await this.write(staging, batch);
          batch = [];
        }
      }
      if (batch.length > 0) await this.write(staging, batch);
      await this.db.exec(`set maintenance_work_mem = '${this.tuning.buildMemory}'; ${indexDdl(staging, this.spec, this.index)}; reset maintenance_work_mem;`);
      await this.db.transaction(async (tx) => {
        // Writes that raced the load are newer than the source: copy them over the loaded rows.
        const touched = [...this.touched!];
        if (touched.length > 0) {
          await tx.query(`delete from ${staging} where id = any($1::text[])`, [touched]);
          await tx.query(`insert into ${staging} select * from ${this.table} where id = any($1::text[])`, [touched]);
        }
        await tx.exec(`drop table ${this.table}; alter table ${staging} rename to ${this.table}; alter index ${staging}_hnsw rename to ${this.table}_hnsw;`);
      });
      // Fresh statistics, so the planner weighs filters on the new rows sensibly (PGlite
      // runs no autovacuum to do it later).
      await this.db.exec(`analyze ${this.table}`);
      return { loaded };
    } finally {
      this.touched = undefined;
    }
  }

  private check(r: VectorRecord): CheckedRecord {
    return { id: checkId(this.spec, r.id), vector: checkVector(this.spec, r.vector), payload: checkPayload(this.spec, r.payload) };
  }

  /** Upserts into the live table, or into a load's staging table (skipping raced ids). */
  private async write(table: string, records: CheckedRecord[], tx: Pick<PgliteLike, "query"> = this.db): Promise<void> {
    const live = table === this.table;
    // ON CONFLICT cannot touch a row twice in one statement: the last write of an id wins.
    const byId = new Map<string, CheckedRecord>();
    for (const r of records) {
      if (!live && this.touched?.has(r.id)) continue;
      byId.set(r.id, r);
      if (live) this.touched?.add(r.id);
    }
    if (byId.size === 0) return;
    const rows = [...byId.values()];
    await tx.query(upsertSql(table, this.spec.dimension), [
      rows.map((r) => r.id),
      rows.map((r) => vectorLiteral(r.vector)),
      rows.map((r) => r.payload.creatorId),
      rows.map((r) => r.payload.soundId ?? null),
      rows.map((r) => String(r.payload.createdAt)),
      rows.map((r) => r.payload.visibility),
    ]);
  }
}
