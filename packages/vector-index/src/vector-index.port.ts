// The vector index port: nearest-neighbour retrieval of videos for the For You feed.
// A projection upserts one vector per video (content mixed with behaviour) with a few
// payload fields the feed filters on; the feed asks for the ~1000 videos nearest to a
// viewer's interest vector. Adapters: pgvector in PGlite (embedded profile), an
// in-process HNSW index (server and distributed-local profiles), Qdrant (production).
//
// Shaped for the most restrictive engine (Qdrant): ids are strings mapped by the adapter,
// payload fields are flat scalars, filters are the handful every engine can push down.

export type Metric = "cosine" | "dot";

/** Who may watch a video (flick.video.v1.Privacy without the UNSPECIFIED value). */
export type Visibility = "public" | "friends" | "private";

export interface CollectionSpec {
  /** Lowercase letters, digits and underscores, starting with a letter; at most 32 characters. */
  readonly name: string;
  /** Length of every vector in the collection (1..4096). */
  readonly dimension: number;
  /**
   * "cosine": score is the cosine similarity (vectors are compared by direction; a zero
   * vector is rejected). "dot": score is the inner product (the vector's length matters).
   */
  readonly metric: Metric;
}

export function defineCollection(name: string, dimension: number, metric: Metric = "cosine"): CollectionSpec {
  return { name, dimension, metric };
}

/** The filterable fields stored beside each vector. */
export interface VectorPayload {
  creatorId: string;
  soundId?: string | null;
  /** Epoch milliseconds (an integer, so every engine compares it exactly). */
  createdAt: number;
  visibility: Visibility;
}

export type VectorInput = Float32Array | readonly number[];

export interface VectorRecord {
  id: string;
  vector: VectorInput;
  payload: VectorPayload;
}

/**
 * Conditions a hit must meet. Adapters never return a hit that fails them; when at least
 * k stored vectors pass, an adapter returns k hits unless its capabilities say
 * `filterMayShortfall` (an engine that gives up scanning after a bound).
 */
export interface SearchFilter {
  /** Ids that must not be returned (already seen, the viewer's own videos…). */
  excludeIds?: Iterable<string>;
  /** Creators that must not appear (blocked, or the viewer). */
  excludeCreatorIds?: Iterable<string>;
  /** Only videos whose visibility is "public" (the For You feed shows nothing else). */
  publicOnly?: boolean;
  /** Only videos created strictly after this instant (epoch milliseconds). */
  createdAfter?: number;
}

export interface ScoredId {
  id: string;
  /** Higher is nearer: the cosine similarity, or the inner product for "dot". */
  score: number;
}

export interface SearchHit extends ScoredId {
  payload: VectorPayload;
}

export interface VectorIndexCapabilities {
  /**
   * "exact": search always returns the true top k. "approximate": an ANN structure may
   * miss some of them (measure recall with bench/feed/ann.ts); small collections are
   * still answered exactly by every adapter.
   */
  readonly search: "exact" | "approximate";
  /** Largest k a single search accepts. */
  readonly maxK: number;
  /** A highly selective filter may yield fewer than k hits although k vectors pass it. */
  readonly filterMayShortfall: boolean;
  /** Vectors survive a process restart without a reload from their source. */
  readonly durable: boolean;
}

export interface VectorCollection {
  readonly spec: CollectionSpec;
  /** Inserts or replaces the vector and payload stored under this id. */
  upsert(id: string, vector: VectorInput, payload: VectorPayload): Promise<void>;
  /** Upserts many at once (one round trip or transaction where the engine allows). */
  upsertMany(records: readonly VectorRecord[]): Promise<void>;
  /**
   * Replaces the whole collection with the records of `source` (a projection's rebuild, or
   * the in-process index warming up from the table the projection writes). Writes made
   * while a load runs are not lost: they apply after the loaded records.
   */
  load(source: AsyncIterable<VectorRecord> | Iterable<VectorRecord>): Promise<{ loaded: number }>;
  /** Removes the id; true when it was present. */
  delete(id: string): Promise<boolean>;
  /** The stored vector; for "cosine" an adapter may return it normalised to length 1. */
  get(id: string): Promise<Float32Array | undefined>;
  /** The k nearest vectors passing the filter, nearest first; fewer when fewer exist. */
  search(vector: VectorInput, k: number, filter?: SearchFilter): Promise<SearchHit[]>;
  /**
   * The same hits as `search`, without their payloads: for callers that only need ids (the
   * feed's candidate search), spared a payload copy per hit in process or its transfer.
   */
  searchIds(vector: VectorInput, k: number, filter?: SearchFilter): Promise<ScoredId[]>;
  count(): Promise<number>;
}

export interface VectorIndex {
  readonly engine: "pglite-pgvector" | "usearch" | "qdrant";
  readonly capabilities: VectorIndexCapabilities;
  /**
   * Opens the collection, creating it when missing (idempotent: a projection's setup).
   * Throws CollectionMismatchError when it exists with another dimension or metric.
   */
  ensureCollection(spec: CollectionSpec): Promise<VectorCollection>;
  /** Deletes the collection and everything in it (no error when missing). */
  dropCollection(name: string): Promise<void>;
  close(): Promise<void>;
}
