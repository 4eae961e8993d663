export { startTelemetry, tracer, meter, type Telemetry, type TelemetryOptions, type TraceExporterChoice } from "./telemetry.js";
export { serverTracingInterceptor, clientTracingInterceptor, currentTraceId, rpcSystem } from "./connect-tracing.js";
export type { SpanExporter } from "@opentelemetry/sdk-trace";
