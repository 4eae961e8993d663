// What SREs read about projections: OpenTelemetry gauges (lag p99 and of the newest
// event, per projection) exported with the traces, and a JSON status page on the service
// port for a quick look without a collector.
import type { HttpRoute } from "@flick/server";
import { meter } from "@flick/telemetry";
import type { ReadModel } from "./platform.js";

export function observeProjections(models: () => ReadModel[]): void {
  const lag = meter().createObservableGauge("flick.projection.lag", {
    description: "Time from an event being recorded to the projection committing it",
    unit: "ms",
  });
  lag.addCallback((result) => {
    for (const m of models()) {
      const s = m.runner.lagSnapshot();
      if (s.count === 0) continue;
      result.observe(s.p99Ms, { projection: m.name, quantile: "p99" });
      result.observe(s.lastMs, { projection: m.name, quantile: "last" });
    }
  });
}

/** GET /debug/projections: every projection's state, checkpoint and lag. */
export function projectionStatusRoute(models: () => ReadModel[]): HttpRoute {
  return {
    prefix: "/debug/projections",
    async handler(_req, res) {
      const statuses = await Promise.all(models().map(async (m) => ({ role: m.role, ...(await m.runner.status()) })));
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(statuses, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2));
    },
  };
}
