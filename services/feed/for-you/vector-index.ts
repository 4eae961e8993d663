// Which vector index the For You candidate search uses: Qdrant when QDRANT_URL is set
// (production: shared by every feed replica, durable), otherwise the in-process HNSW
// index (usearch), filled from the live model at start — the model is rebuilt from the
// log anyway, so durability would buy nothing there.
import { HnswVectorIndex, QdrantVectorIndex, type VectorIndex } from "@flick/vector-index";
import type { Config } from "@flick/server";

export function openFeedVectorIndex(config: Config): VectorIndex {
  if (config.QDRANT_URL) return new QdrantVectorIndex({ connection: { url: config.QDRANT_URL } });
  return new HnswVectorIndex();
}
