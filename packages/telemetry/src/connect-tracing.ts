// Connect interceptors that make RPC spans, because no OpenTelemetry instrumentation
// exists for connect-node (connect-es #523) and the http instrumentation sees nothing on
// h2c. Attributes follow the OpenTelemetry RPC semantic conventions.
import { Code, ConnectError, type Interceptor, type StreamResponse } from "@connectrpc/connect";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { tracer } from "./telemetry.js";

const headerGetter = {
  get: (h: Headers, key: string) => h.get(key) ?? undefined,
  keys: (h: Headers) => [...h.keys()],
};
const headerSetter = { set: (h: Headers, key: string, value: string) => h.set(key, value) };

/** grpc, grpc_web or connect_rpc, from the request's content type. */
export function rpcSystem(contentType: string | null): string {
  if (!contentType) return "connect_rpc";
  if (contentType.startsWith("application/grpc-web")) return "grpc_web";
  if (contentType.startsWith("application/grpc")) return "grpc";
  return "connect_rpc";
}

function finish(span: Span, system: string, err?: unknown): void {
  if (err === undefined) {
    if (system === "connect_rpc") span.setAttribute("rpc.connect_rpc.error_code", "ok");
    else span.setAttribute("rpc.grpc.status_code", 0);
    span.end();
    return;
  }
  const ce = ConnectError.from(err);
  if (system === "connect_rpc") span.setAttribute("rpc.connect_rpc.error_code", Code[ce.code].toLowerCase());
  else span.setAttribute("rpc.grpc.status_code", ce.code);
  // Client mistakes are not server faults: only internal-ish codes mark the span as error.
  const serverFault = [Code.Internal, Code.Unknown, Code.DataLoss, Code.Unavailable, Code.DeadlineExceeded].includes(ce.code);
  if (serverFault) {
    span.recordException(ce);
    span.setStatus({ code: SpanStatusCode.ERROR, message: ce.rawMessage });
  }
  span.end();
}

async function* endWhenDone<T>(stream: AsyncIterable<T>, span: Span, system: string): AsyncIterable<T> {
  try {
    for await (const m of stream) yield m;
    finish(span, system);
  } catch (e) {
    finish(span, system, e);
    throw e;
  }
}

/** Server side: continues the caller's trace (W3C traceparent) and times the call. */
export const serverTracingInterceptor: Interceptor = (next) => async (req) => {
  const system = rpcSystem(req.header.get("content-type"));
  const parent = propagation.extract(context.active(), req.header, headerGetter);
  const span = tracer().startSpan(
    `${req.service.typeName}/${req.method.name}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        "rpc.system": system,
        "rpc.service": req.service.typeName,
        "rpc.method": req.method.name,
      },
    },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  try {
    const res = await context.with(ctx, () => next(req));
    if (res.stream) {
      return { ...res, message: endWhenDone((res as StreamResponse).message, span, system) } as typeof res;
    }
    finish(span, system);
    return res;
  } catch (e) {
    finish(span, system, e);
    throw e;
  }
};

/** Client side: one CLIENT span per call, its context injected as traceparent. */
export const clientTracingInterceptor: Interceptor = (next) => async (req) => {
  const system = rpcSystem(req.header.get("content-type")) === "connect_rpc" ? "connect_rpc" : "grpc";
  const span = tracer().startSpan(`${req.service.typeName}/${req.method.name}`, {
    kind: SpanKind.CLIENT,
    attributes: { "rpc.system": system, "rpc.service": req.service.typeName, "rpc.method": req.method.name },
  });
  const ctx = trace.setSpan(context.active(), span);
  propagation.inject(ctx, req.header, headerSetter);
  try {
    const res = await context.with(ctx, () => next(req));
    if (res.stream) {
      return { ...res, message: endWhenDone((res as StreamResponse).message, span, system) } as typeof res;
    }
    finish(span, system);
    return res;
  } catch (e) {
    finish(span, system, e);
    throw e;
  }
};

/** The current trace id, for logs and for Echo-style diagnostics. */
export function currentTraceId(): string | undefined {
  const sc = trace.getSpanContext(context.active());
  return sc && trace.isSpanContextValid(sc) ? sc.traceId : undefined;
}

