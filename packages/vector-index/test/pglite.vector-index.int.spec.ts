// pgvector in PGlite: the embedded profile's vector index. Always runs (in memory).

import { PgliteVectorIndex } from "../src/index.js";
import { vectorIndexContract } from "./vector-index.contract.js";

vectorIndexContract({
  engine: "pglite-pgvector",
  open: () => PgliteVectorIndex.open(),
  capabilities: { search: "approximate", maxK: 1000, filterMayShortfall: false, durable: true },
});
