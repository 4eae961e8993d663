export * from "./vector-index.port.js";
export * from "./vector-index.errors.js";
export { HnswVectorIndex } from "./hnsw/hnsw.vector-index.js";
export type { HnswCollection, HnswCollectionStats } from "./hnsw/hnsw.collection.js";
export type { HnswOptions } from "./hnsw/hnsw.options.js";
export { PgliteVectorIndex, type PgliteVectorIndexOptions } from "./pglite/pglite.vector-index.js";
export { openPgliteWithVector, type PgliteLike } from "./pglite/pglite.db.js";
export { QdrantVectorIndex, type QdrantVectorIndexOptions } from "./qdrant/qdrant.vector-index.js";
