// One trace from the client call into the server: W3C traceparent in, a SERVER span with
// the OpenTelemetry RPC attributes out, and the handler running inside that span.
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiagnosticsService } from "@flick/contracts/flick/diagnostics/v1/diagnostics_service_pb";
import { clientTracingInterceptor, startTelemetry, type Telemetry } from "@flick/telemetry";
import { startTestServer, type TestServer } from "./support.js";

const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
let server: TestServer;
let token: string;

beforeAll(async () => {
  telemetry = startTelemetry({ serviceName: "flick-test", exporter, immediate: true });
  server = await startTestServer({ services: ["diagnostics"] });
  token = await server.token("usr_traced");
});
afterAll(async () => {
  await server?.close();
  await telemetry?.shutdown();
});

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const parentSpanId = "00f067aa0ba902b7";

describe("tracing", () => {
  it("continues the caller's trace and records rpc.* attributes", async () => {
    exporter.reset();
    const client = createClient(DiagnosticsService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" }));
    const res = await client.echo(
      { message: "t" },
      { headers: { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${parentSpanId}-01` } },
    );
    expect(res.traceId).toBe(traceId);
    const span = exporter.getFinishedSpans().find((s) => s.name === "flick.diagnostics.v1.DiagnosticsService/Echo");
    expect(span).toBeDefined();
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.spanContext().traceId).toBe(traceId);
    expect(span!.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(span!.attributes).toMatchObject({
      "rpc.system": "connect_rpc",
      "rpc.service": "flick.diagnostics.v1.DiagnosticsService",
      "rpc.method": "Echo",
      "rpc.connect_rpc.error_code": "ok",
    });
  });

  it("links a client span to the server span over gRPC and records the status code", async () => {
    exporter.reset();
    const client = createClient(
      DiagnosticsService,
      createGrpcTransport({ baseUrl: server.baseUrl, interceptors: [clientTracingInterceptor] }),
    );
    await client.echo({ message: "t" }).catch(() => undefined); // no token: UNAUTHENTICATED
    const spans = exporter.getFinishedSpans();
    const clientSpan = spans.find((s) => s.kind === SpanKind.CLIENT);
    const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER);
    expect(clientSpan && serverSpan).toBeTruthy();
    expect(serverSpan!.spanContext().traceId).toBe(clientSpan!.spanContext().traceId);
    expect(serverSpan!.parentSpanContext?.spanId).toBe(clientSpan!.spanContext().spanId);
    expect(serverSpan!.attributes["rpc.system"]).toBe("grpc");
    expect(serverSpan!.attributes["rpc.grpc.status_code"]).toBe(16);
  });
});
