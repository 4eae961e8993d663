// OpenTelemetry bootstrap. One call per process; everything else uses @opentelemetry/api.
// Exporters: OTLP over HTTP/protobuf (OTEL_EXPORTER_OTLP_ENDPOINT, the standard variable),
// console for local debugging, none, or any SpanExporter a test passes in.
import { context, propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
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

/**
 * Registers a global tracer provider with W3C trace-context propagation.
 * NodeTracerProvider rather than NodeSDK: Flick needs no auto-instrumentation of
 * modules (connect-node spans come from our interceptors), and NodeSDK's defaults
 * would also start metric and log pipelines nobody asked for.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const processors: SpanProcessor[] = [];
  const exporter = options.exporter;
  if (exporter === "otlp") processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  else if (exporter === "console") processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  else if (exporter !== "none") {
    processors.push(options.immediate ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter));
  }

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion ?? "0.0.0",
    }),
    spanProcessors: processors,
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
    forceFlush: () => provider.forceFlush(),
  };
}

export const tracer = () => trace.getTracer("flick");
