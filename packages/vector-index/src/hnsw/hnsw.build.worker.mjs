// Builds a usearch HNSW graph off the main thread. usearch's `add` is one synchronous
// native call that takes seconds for 100k vectors; in a worker the server's event loop
// keeps answering feeds while the graph grows. The graph comes back as a file (usearch's
// JS binding serialises only to paths): the main thread loads it in ~40 ms per 100k.
//
// Plain JavaScript on purpose: a worker does not inherit tsx's or vitest's TypeScript
// loaders, and Node's own type stripping is off under tsx and refused under node_modules.
// The message shapes are declared in hnsw.build.protocol.ts.

import { parentPort, workerData } from "node:worker_threads";
import { Index, MetricKind, ScalarKind } from "usearch";

if (parentPort) {
  /** @type {import("./hnsw.build.protocol.ts").BuildRequest} */
  const req = workerData;
  /** @type {import("./hnsw.build.protocol.ts").BuildReply} */
  let reply;
  try {
    const index = new Index({
      dimensions: req.dimension,
      // Vectors arrive normalised for cosine collections, so inner product is the cosine.
      metric: MetricKind.IP,
      quantization: req.quantization === "f16" ? ScalarKind.F16 : ScalarKind.F32,
      connectivity: req.connectivity,
      expansion_add: req.expansionAdd,
      expansion_search: req.expansionSearch,
      multi: false,
    });
    const keys = new BigUint64Array(req.count);
    for (let i = 0; i < req.count; i++) keys[i] = BigInt(i);
    if (req.count > 0) index.add(keys, req.vectors.subarray(0, req.count * req.dimension), req.threads);
    index.save(req.path);
    reply = { ok: true };
  } catch (e) {
    reply = { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort.postMessage(reply);
}
