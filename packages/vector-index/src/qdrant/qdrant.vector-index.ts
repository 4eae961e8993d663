// The production vector index: Qdrant through its REST client. No Qdrant server can be
// installed on these machines, so its contract suite runs only when QDRANT_URL is set.

import { QdrantClient, type QdrantClientParams, type Schemas } from "@qdrant/js-client-rest";
import { assertSameSpec, checkSpec } from "../internal/validate.js";
import { CollectionMismatchError } from "../vector-index.errors.js";
import type { CollectionSpec, Metric, VectorIndex, VectorIndexCapabilities } from "../vector-index.port.js";
import { QDRANT_MAX_K, QdrantCollection, type QdrantSearchTuning } from "./qdrant.collection.js";
import { PAYLOAD_FIELDS } from "./qdrant.filter.js";

export interface QdrantVectorIndexOptions extends Partial<QdrantSearchTuning> {
  /** An existing client, or the parameters to create one (url, apiKey…). */
  client?: QdrantClient;
  connection?: QdrantClientParams;
  /** Prepended to collection names, so several deployments can share one Qdrant. */
  collectionPrefix?: string;
  /** HNSW graph parameters for new collections (Qdrant's defaults: m 16, ef_construct 100). */
  m?: number;
  efConstruct?: number;
}

const DISTANCE: Record<Metric, Schemas["Distance"]> = { cosine: "Cosine", dot: "Dot" };

export class QdrantVectorIndex implements VectorIndex {
  readonly engine = "qdrant" as const;
  // Filters run inside Qdrant's graph walk with payload indexes, and its planner goes exact
  // for selective ones, so a filter does not cause a shortfall.
  readonly capabilities: VectorIndexCapabilities = { search: "approximate", maxK: QDRANT_MAX_K, filterMayShortfall: false, durable: true };
  private readonly client: QdrantClient;
  private readonly prefix: string;
  private readonly tuning: QdrantSearchTuning;
  private readonly collections = new Map<string, QdrantCollection>();

  constructor(private readonly options: QdrantVectorIndexOptions = {}) {
    this.client = options.client ?? new QdrantClient(options.connection ?? { url: "http://127.0.0.1:6333" });
    this.prefix = options.collectionPrefix ?? "";
    this.tuning = { efFactor: options.efFactor ?? 1.5, minEf: options.minEf ?? 128, batchSize: options.batchSize ?? 256 };
  }

  async ensureCollection(spec: CollectionSpec): Promise<QdrantCollection> {
    const wanted = checkSpec(spec);
    const cached = this.collections.get(wanted.name);
    if (cached) {
      assertSameSpec(cached.spec, wanted);
      return cached;
    }
    const name = this.prefix + wanted.name;
    if (!(await this.client.collectionExists(name)).exists) {
      try {
        await this.client.createCollection(name, {
          vectors: { size: wanted.dimension, distance: DISTANCE[wanted.metric] },
          hnsw_config: { m: this.options.m ?? 16, ef_construct: this.options.efConstruct ?? 100 },
        });
      } catch (e) {
        // Another process created it between our check and our create: use theirs.
        if (!(await this.client.collectionExists(name)).exists) throw e;
      }
    }
    const info = await this.client.getCollection(name);
    assertSameSpec(specOf(info, wanted.name), wanted);
    // Payload indexes let Qdrant filter during the graph walk and estimate selectivity.
    // Only missing ones are created: re-creating an index makes Qdrant rebuild it.
    for (const [field, schema] of [
      [PAYLOAD_FIELDS.visibility, "keyword"],
      [PAYLOAD_FIELDS.creatorId, "keyword"],
      [PAYLOAD_FIELDS.createdAt, "integer"],
    ] as const) {
      if (info.payload_schema[field] === undefined) {
        await this.client.createPayloadIndex(name, { wait: true, field_name: field, field_schema: schema });
      }
    }
    const collection = new QdrantCollection(this.client, name, wanted, this.tuning);
    this.collections.set(wanted.name, collection);
    return collection;
  }

  async dropCollection(name: string): Promise<void> {
    checkSpec({ name, dimension: 1, metric: "dot" });
    this.collections.delete(name);
    if ((await this.client.collectionExists(this.prefix + name)).exists) await this.client.deleteCollection(this.prefix + name);
  }

  async close(): Promise<void> {
    // The REST client keeps no connection that needs closing (undici's pool is global).
    this.collections.clear();
  }
}

/** The spec an existing Qdrant collection has, in the port's terms. */
function specOf(info: Schemas["CollectionInfo"], name: string): CollectionSpec {
  const vectors = info.config.params.vectors;
  if (vectors === undefined || typeof (vectors as Schemas["VectorParams"]).size !== "number") {
    throw new CollectionMismatchError(name, "a collection with named vectors", "one unnamed dense vector");
  }
  const params = vectors as Schemas["VectorParams"];
  const metric: Metric | undefined = params.distance === "Cosine" ? "cosine" : params.distance === "Dot" ? "dot" : undefined;
  if (metric === undefined) throw new CollectionMismatchError(name, `${params.distance}(${params.size})`, "cosine or dot");
  return { name, dimension: params.size, metric };
}
