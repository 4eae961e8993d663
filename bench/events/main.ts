// bench:events — the event store's appends, then projections (lag under a steady load,
// rebuild rate), as one table and a last JSON line with every figure.
//
//   npm run bench:events                     # PGlite; PostgreSQL too when POSTGRES_URL is set
//   BENCH_APPENDS=5000 BENCH_LAG_SECONDS=20 BENCH_REBUILD_EVENTS=1000000 npm run bench:events

import { printJson, printTable, type Row } from "../lib/report.js";
import { runAppendBench } from "./appends.js";
import { row, runProjectionBench } from "./projections.js";

/** Appends rows in the shared shape: the rate is the value, latencies in their columns. */
function appendRow(r: Row): Row {
  return {
    ...row(
      String(r.engine),
      `${r.mode === "command" ? "commands (read, decide, append)" : "appends"}, ${r.writers} writer(s), group commit ${r["group commit"]}`,
      Number(r["appends/s"]),
      r.mode === "command" ? "commands/s" : "appends/s",
    ),
    bench: "appends",
    "p50 ms": r["p50 ms"] ?? "",
    "p99 ms": r["p99 ms"] ?? "",
  };
}

const appends = await runAppendBench();
const projections = await runProjectionBench();
printTable("bench:events — event store appends and projections", [...appends.map(appendRow), ...projections]);
printJson({ bench: "events", appends, projections });
