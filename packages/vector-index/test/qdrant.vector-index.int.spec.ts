// Qdrant, the production vector index. No Qdrant server can be installed on these
// machines, so this suite runs only when QDRANT_URL points at one (QDRANT_API_KEY if it
// needs a key); otherwise it says loudly that it skipped.

import { randomBytes } from "node:crypto";
import { describe, it } from "vitest";
import { QdrantVectorIndex } from "../src/index.js";
import { vectorIndexContract } from "./vector-index.contract.js";

const url = process.env.QDRANT_URL;

if (url) {
  vectorIndexContract({
    engine: "qdrant",
    // A prefix per run keeps parallel runs on one shared server apart.
    open: async () =>
      new QdrantVectorIndex({
        connection: { url, ...(process.env.QDRANT_API_KEY ? { apiKey: process.env.QDRANT_API_KEY } : {}) },
        collectionPrefix: `flick_test_${randomBytes(3).toString("hex")}_`,
      }),
    capabilities: { search: "approximate", maxK: 10_000, filterMayShortfall: false, durable: true },
  });
} else {
  console.warn(
    "\n⚠ SKIPPED: VectorIndex contract for Qdrant — QDRANT_URL is not set. No Qdrant server can be " +
      "installed on these machines; set QDRANT_URL=http://host:6333 (and QDRANT_API_KEY if needed) to run it.\n",
  );
  describe.skip("VectorIndex contract: qdrant (QDRANT_URL not set)", () => {
    it("needs a Qdrant server", () => undefined);
  });
}
