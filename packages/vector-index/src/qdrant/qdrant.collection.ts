// One Qdrant collection. Every write waits until Qdrant has applied it (`wait: true`), so a
// search right after an upsert sees it, as on the other adapters.

import type { QdrantClient, Schemas } from "@qdrant/js-client-rest";
import { checkId, checkK, checkPayload, checkVector } from "../internal/validate.js";
import type { CollectionSpec, ScoredId, SearchFilter, SearchHit, VectorCollection, VectorInput, VectorPayload, VectorRecord, Visibility } from "../vector-index.port.js";
import { PAYLOAD_FIELDS, toQdrantFilter } from "./qdrant.filter.js";
import { pointIdOf } from "./qdrant.ids.js";

export const QDRANT_MAX_K = 10_000;

export interface QdrantSearchTuning {
  /** hnsw_ef = max(minEf, ⌈k · efFactor⌉). */
  efFactor: number;
  minEf: number;
  /** Points per upsert request. */
  batchSize: number;
}

interface StoredPayload {
  id: string;
  creatorId: string;
  soundId: string | null;
  createdAt: number;
  visibility: Visibility;
}

export class QdrantCollection implements VectorCollection {
  /** Set while a load runs: ids written meanwhile, which the loaded points must not overwrite. */
  private touched: Set<string> | undefined;

  constructor(
    private readonly client: QdrantClient,
    /** The name in Qdrant (the spec's name with the index's prefix). */
    private readonly qdrantName: string,
    readonly spec: CollectionSpec,
    private readonly tuning: QdrantSearchTuning,
  ) {}

  async upsert(id: string, vector: VectorInput, payload: VectorPayload): Promise<void> {
    await this.upsertMany([{ id, vector, payload }]);
  }

  async upsertMany(records: readonly VectorRecord[]): Promise<void> {
    const points = records.map((r) => this.toPoint(r));
    for (const r of records) this.touched?.add(r.id);
    for (let i = 0; i < points.length; i += this.tuning.batchSize) {
      await this.client.upsert(this.qdrantName, { wait: true, points: points.slice(i, i + this.tuning.batchSize) });
    }
  }

  async delete(id: string): Promise<boolean> {
    checkId(this.spec, id);
    this.touched?.add(id);
    const pointId = pointIdOf(id);
    // Qdrant's delete does not report whether the point existed, so look first (two
    // processes deleting one id at the same moment may both answer true).
    const existing = await this.client.retrieve(this.qdrantName, { ids: [pointId], with_payload: false, with_vector: false });
    if (existing.length === 0) return false;
    await this.client.delete(this.qdrantName, { wait: true, points: [pointId] });
    return true;
  }

  async get(id: string): Promise<Float32Array | undefined> {
    const [point] = await this.client.retrieve(this.qdrantName, { ids: [pointIdOf(id)], with_payload: false, with_vector: true });
    // An unnamed dense vector comes back as number[] (Cosine collections store it normalised).
    return Array.isArray(point?.vector) ? Float32Array.from(point.vector as number[]) : undefined;
  }

  async count(): Promise<number> {
    return (await this.client.count(this.qdrantName, { exact: true })).count;
  }

  async search(vector: VectorInput, k: number, filter?: SearchFilter): Promise<SearchHit[]> {
    const points = await this.query(vector, k, filter, true);
    return points.map((p) => {
      const payload = p.payload as unknown as StoredPayload;
      return {
        id: payload.id,
        score: p.score,
        payload: { creatorId: payload.creatorId, soundId: payload.soundId ?? null, createdAt: payload.createdAt, visibility: payload.visibility },
      };
    });
  }

  async searchIds(vector: VectorInput, k: number, filter?: SearchFilter): Promise<ScoredId[]> {
    // Only the original id travels back (the point id is its UUID mapping).
    const points = await this.query(vector, k, filter, ["id"]);
    return points.map((p) => ({ id: (p.payload as unknown as StoredPayload).id, score: p.score }));
  }

  private async query(vector: VectorInput, k: number, filter: SearchFilter | undefined, withPayload: true | string[]) {
    const query = Array.from(checkVector(this.spec, vector));
    checkK(this.spec, k, QDRANT_MAX_K);
    const qdrantFilter = toQdrantFilter(filter);
    const res = await this.client.query(this.qdrantName, {
      query,
      limit: k,
      with_payload: withPayload,
      params: { hnsw_ef: Math.max(this.tuning.minEf, Math.ceil(k * this.tuning.efFactor)) },
      ...(qdrantFilter ? { filter: qdrantFilter } : {}),
    });
    return res.points;
  }

  /**
   * Upserts the source's points, then deletes every point neither loaded nor written during
   * the load. Qdrant has no cross-request transaction, so searches during a load see old
   * and new points side by side (a blue/green swap through a collection alias would hide
   * that, at the cost of double storage during the load).
   */
  async load(source: AsyncIterable<VectorRecord> | Iterable<VectorRecord>): Promise<{ loaded: number }> {
    if (this.touched) throw new Error(`vector collection "${this.spec.name}": a load is already running`);
    const touched = new Set<string>();
    this.touched = touched;
    try {
      const kept = new Set<string | number>();
      let loaded = 0;
      let batch: Schemas["PointStruct"][] = [];
      const flush = async () => {
        const fresh = batch.filter((p) => !touched.has((p.payload as unknown as StoredPayload).id));
        batch = [];
        if (fresh.length > 0) await this.client.upsert(this.qdrantName, { wait: true, points: fresh });
      };
      for await (const r of source) {
        const point = this.toPoint(r);
        kept.add(point.id);
        batch.push(point);
        loaded++;
        if (batch.length >= this.tuning.batchSize) await flush();
      }
      await flush();
      await this.deleteAllExcept(kept, touched);
      return { loaded };
    } finally {
      this.touched = undefined;
    }
  }

  private async deleteAllExcept(kept: Set<string | number>, touched: Set<string>): Promise<void> {
    const touchedPoints = new Set([...touched].map(pointIdOf));
    let offset: Schemas["ExtendedPointId"] | null | undefined = undefined;
    do {
      const page: Schemas["ScrollResult"] = await this.client.scroll(this.qdrantName, {
        limit: 1000,
        with_payload: false,
        with_vector: false,
        ...(offset !== undefined && offset !== null ? { offset } : {}),
      });
      const stale = page.points.map((p) => p.id).filter((id) => !kept.has(id) && !touchedPoints.has(String(id)));
      if (stale.length > 0) await this.client.delete(this.qdrantName, { wait: true, points: stale });
      offset = page.next_page_offset as Schemas["ExtendedPointId"] | null | undefined;
    } while (offset !== undefined && offset !== null);
  }

  private toPoint(r: VectorRecord): Schemas["PointStruct"] {
    const id = checkId(this.spec, r.id);
    const vector = checkVector(this.spec, r.vector);
    const p = checkPayload(this.spec, r.payload);
    const payload: StoredPayload = { id, creatorId: p.creatorId, soundId: p.soundId ?? null, createdAt: p.createdAt, visibility: p.visibility };
    return { id: pointIdOf(id), vector: Array.from(vector), payload: { ...payload } satisfies Record<keyof typeof PAYLOAD_FIELDS, unknown> };
  }
}
