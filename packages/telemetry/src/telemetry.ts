// OpenTelemetry bootstrap with the SDK's NodeSDK: one call per process; everything else
// uses @opentelemetry/api. Exporters: OTLP over HTTP/protobuf to the collector named by
// the standard OTEL_EXPORTER_OTLP_ENDPOINT (traces and metrics), console for local
// debugging, none, or any SpanExporter a test passes in.
// No auto-instrumentations: connect-node has none (our interceptors make the RPC spans),
// and the http instrumentation sees nothing on h2c.
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { NodeSDK } from "@opentelemetry/sdk-node";
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";

export type TraceExporterChoice = "otlp" | "console" | "none";

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  exporter: TraceExporterChoice | SpanExporter;
  /** Export each span as it ends (tests); default batches, as production does. */
  immediate?: boolean;
}

export interface Telemetry {
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

export function startTelemetry(options: TelemetryOptions): Telemetry {
  const exporter = options.exporter;
  const spanProcessors: SpanProcessor[] = [];
  if (exporter === "otlp") spanProcessors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }));
  else if (exporter === "console") spanProcessors.push(new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() }));
  else if (exporter !== "none") {
    spanProcessors.push(options.immediate ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter }));
  }
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion ?? "0.0.0",
    }),
    autoDetectResources: false,
    spanProcessors,
    // Metrics (projection lag, …) go to the same collector as the traces.
    metricReaders:
      exporter === "otlp"
        ? [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 15_000 })]
        : [],
    instrumentations: [],
    textMapPropagator: new W3CTraceContextPropagator(),
  });
  sdk.start();
  return {
    shutdown: async () => {
      await sdk.shutdown();
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
    forceFlush: async () => {
      await Promise.all(spanProcessors.map((p) => p.forceFlush()));
    },
  };
}

export const tracer = () => trace.getTracer("flick");
export const meter = () => metrics.getMeter("flick");
