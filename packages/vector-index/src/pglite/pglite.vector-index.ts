// The embedded profile's vector index: pgvector inside PGlite (PostgreSQL in WASM), so
// `npm start` needs no server. Collections are tables; see pglite.collection.ts.

import { assertSameSpec, checkSpec } from "../internal/validate.js";
import type { CollectionSpec, Metric, VectorIndex, VectorIndexCapabilities } from "../vector-index.port.js";
import { PGVECTOR_MAX_K, PgliteCollection, type PgliteSearchTuning } from "./pglite.collection.js";
import { openPgliteWithVector, type PgliteLike } from "./pglite.db.js";
import { CATALOG_DDL, indexDdl, tableDdl, tableOf, type HnswIndexParams } from "./pglite.sql.js";

export interface PgliteVectorIndexOptions extends Partial<HnswIndexParams>, Partial<PgliteSearchTuning> {
  /** A PGlite instance with pgvector loaded; when absent one is opened (and closed with the index). */
  db?: PgliteLike;
  /** Data directory for the PGlite this index opens itself (in memory when absent). */
  dataDir?: string;
}

export class PgliteVectorIndex implements VectorIndex {
  readonly engine = "pglite-pgvector" as const;
  // Approximate through HNSW; the adapter falls back to an exact scan when a filter
  // leaves fewer than k rows, so a filter never causes a shortfall.
  readonly capabilities: VectorIndexCapabilities = { search: "approximate", maxK: PGVECTOR_MAX_K, filterMayShortfall: false, durable: true };
  private readonly collections = new Map<string, PgliteCollection>();

  private constructor(
    private readonly db: PgliteLike,
    private readonly ownsDb: boolean,
    private readonly index: HnswIndexParams,
    private readonly tuning: PgliteSearchTuning,
  ) {}

  static async open(options: PgliteVectorIndexOptions = {}): Promise<PgliteVectorIndex> {
    const db = options.db ?? (await openPgliteWithVector(options.dataDir));
    await db.exec(CATALOG_DDL);
    return new PgliteVectorIndex(
      db,
      options.db === undefined,
      // pgvector's own defaults; bench/feed/ann.ts shows what they give at k = 1000.
      { m: options.m ?? 16, efConstruction: options.efConstruction ?? 64 },
      {
        efSearchFactor: options.efSearchFactor ?? 2,
        minEfSearch: options.minEfSearch ?? 100,
        batchSize: options.batchSize ?? 1000,
        buildMemory: options.buildMemory ?? "512MB",
      },
    );
  }

  async ensureCollection(spec: CollectionSpec): Promise<PgliteCollection> {
    const wanted = checkSpec(spec);
    const cached = this.collections.get(wanted.name);
    if (cached) {
      assertSameSpec(cached.spec, wanted);
      return cached;
    }
    const table = tableOf(wanted.name);
    // One transaction: two processes ensuring the same collection see one catalog row.
    const existing = await this.db.transaction(async (tx) => {
      const r = await tx.query<{ dimension: number; metric: Metric }>(`select dimension, metric from vector_collections where name = $1`, [wanted.name]);
      if (r.rows[0]) return { name: wanted.name, dimension: r.rows[0].dimension, metric: r.rows[0].metric };
      await tx.query(`insert into vector_collections (name, dimension, metric) values ($1, $2, $3)`, [wanted.name, wanted.dimension, wanted.metric]);
      await tx.exec(`${tableDdl(table, wanted.dimension)}; ${indexDdl(table, wanted, this.index)};`);
      return wanted;
    });
    assertSameSpec(existing, wanted);
    const collection = new PgliteCollection(this.db, wanted, this.index, this.tuning);
    this.collections.set(wanted.name, collection);
    return collection;
  }

  async dropCollection(name: string): Promise<void> {
    checkSpec({ name, dimension: 1, metric: "dot" });
    this.collections.delete(name);
    await this.db.transaction(async (tx) => {
      await tx.exec(`drop table if exists ${tableOf(name)}; drop table if exists ${tableOf(name)}_load;`);
      await tx.query(`delete from vector_collections where name = $1`, [name]);
    });
  }

  async close(): Promise<void> {
    this.collections.clear();
    if (this.ownsDb) await this.db.close();
  }
}
