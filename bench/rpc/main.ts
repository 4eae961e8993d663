// bench:rpc — what Flick's server chain costs on a trivial call.
// Flick: DiagnosticsService.Echo behind every interceptor (OpenTelemetry span with a
// batching exporter, JWT bearer auth with EdDSA/Ed25519 and a verified-token cache,
// protovalidate, error mapping), on the one-port listener.
// Bare: a connect-node server with the same single method and nothing else.
// Same load generator, same run: h2load, one h2c connection, 50 concurrent streams.
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { DiagnosticsService, EchoRequestSchema } from "@flick/contracts/flick/diagnostics/v1/diagnostics_service_pb";
import { createApp, ephemeralKeys, JWT_ALGORITHM, serve, TokenSigner, TokenVerifier } from "@flick/server";
import { startTelemetry, type SpanExporter } from "@flick/telemetry";
import { diagnosticsService } from "../../services/diagnostics/diagnostics.service.js";
import { printJson, printTable, type Row } from "../lib/report.js";
import { h2loadAvailable, runH2load, type LoadResult } from "./h2load.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** The run with the median throughput, so its latencies belong to one real run. */
const medianRun = (runs: LoadResult[]) => [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(runs.length / 2)]!;

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const STREAMS = 50;
const path = "/flick.diagnostics.v1.DiagnosticsService/Echo";

// Spans are created, batched and handed to an exporter that drops them: the cost of
// tracing without the network.
const discard: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };

async function startBare(): Promise<{ port: number; close(): Promise<void> }> {
  const handler = connectNodeAdapter({
    routes: (r) => r.service(DiagnosticsService, { echo: (req) => ({ message: req.message }) }),
  });
  const server = http2.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function main() {
  if (!h2loadAvailable()) throw new Error("h2load not found: apt-get install nghttp2-client");
  const telemetry = startTelemetry({ serviceName: "flick-bench", exporter: discard });
  const keys = ephemeralKeys();
  const settings = { issuer: "flick", audience: "flick-api", ttlSeconds: 3600 };
  const { token } = await new TokenSigner(keys, settings).sign("usr_bench", "user");
  const app = createApp({
    services: [{ service: DiagnosticsService, impl: diagnosticsService } as never],
    verifier: new TokenVerifier(keys, settings),
  });
  const flick = await serve(app, { port: 0, host: "127.0.0.1", graceMs: 1000 });
  const bare = await startBare();

  const message = create(EchoRequestSchema, { message: "ping" });
  const binary = toBinary(EchoRequestSchema, message);
  const grpcFrame = new Uint8Array(5 + binary.length);
  new DataView(grpcFrame.buffer).setUint32(1, binary.length);
  grpcFrame.set(binary, 5);
  const protocols = {
    "Connect (JSON)": { body: new TextEncoder().encode(JSON.stringify({ message: "ping" })), headers: { "content-type": "application/json" } },
    "Connect (binary)": { body: binary, headers: { "content-type": "application/proto" } },
    gRPC: { body: grpcFrame, headers: { "content-type": "application/grpc", te: "trailers" } },
  };

  const rows: Row[] = [];
  const figures: Record<string, unknown> = { jwt: JWT_ALGORITHM, streams: STREAMS, requests: REQUESTS, rounds: ROUNDS };
  for (const [protocol, p] of Object.entries(protocols)) {
    const target = (port: number, auth: boolean) => ({
      url: `http://127.0.0.1:${port}${path}`,
      body: p.body,
      headers: auth ? { ...p.headers, authorization: `Bearer ${token}` } : p.headers,
      streams: STREAMS,
    });
    // Warm both (JIT, token cache), then alternate flick/bare runs: the machine's speed
    // drifts, so the ratio is taken pair by pair and the median reported.
    await runH2load({ ...target(flick.port, true), requests: 5_000 });
    await runH2load({ ...target(bare.port, false), requests: 5_000 });
    const fs: LoadResult[] = [];
    const bs: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      fs.push(await runH2load({ ...target(flick.port, true), requests: REQUESTS }));
      bs.push(await runH2load({ ...target(bare.port, false), requests: REQUESTS }));
    }
    const ratio = median(fs.map((f, i) => f.reqPerSec / bs[i]!.reqPerSec));
    const f = medianRun(fs);
    const b = medianRun(bs);
    rows.push(
      { protocol, server: "flick (all interceptors)", "req/s": f.reqPerSec, "p50 ms": f.p50ms, "p99 ms": f.p99ms, ok: `${f.ok}/${f.requests}`, "vs bare": `${(ratio * 100).toFixed(0)} %` },
      { protocol, server: "bare connect-node", "req/s": b.reqPerSec, "p50 ms": b.p50ms, "p99 ms": b.p99ms, ok: `${b.ok}/${b.requests}`, "vs bare": "100 %" },
    );
    figures[protocol] = { flick: f, bare: b, ratio: Number(ratio.toFixed(3)) };
  }
  printTable(
    `bench:rpc — trivial authenticated, traced call (h2load, 1 connection, ${STREAMS} streams, JWT ${JWT_ALGORITHM}; median of ${ROUNDS} alternating rounds of ${REQUESTS})`,
    rows,
  );
  printJson(figures);
  await flick.close();
  await bare.close();
  await telemetry.shutdown();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
