// Assembles the Connect router: every registered service behind one interceptor chain,
// plus grpc.health.v1 and server reflection. Used by `flick start`, by tests and benches.
import type { DescService } from "@bufbuild/protobuf";
import { createContextValues, type ConnectRouter, type Interceptor, type ServiceImpl } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";

type NodeHandler = NonNullable<Parameters<typeof connectNodeAdapter>[0]["fallback"]>;
type NodeServerRequest = Parameters<NodeHandler>[0];
type NodeServerResponse = Parameters<NodeHandler>[1];
import { createValidateInterceptor } from "@connectrpc/validate";
import { serverTracingInterceptor } from "@flick/telemetry";
import { Health, HealthCheckResponse_ServingStatus as Status } from "@flick/contracts/grpc/health/v1/health_pb";
import { ServerReflection } from "@flick/contracts/grpc/reflection/v1/reflection_pb";
import type { TokenVerifier } from "./auth/tokens.js";
import { peerAddressKey, shutdownKey } from "./auth/caller.js";
import { authInterceptor } from "./interceptors/auth.interceptor.js";
import { errorsInterceptor } from "./interceptors/errors.interceptor.js";
import { HealthState, healthService } from "./builtin/health.js";
import { reflectionService } from "./builtin/reflection.js";
import { createOnePortServer } from "./one-port.js";

/** A service and its implementation; omitted methods answer UNIMPLEMENTED. */
export interface ServiceRegistration<S extends DescService = DescService> {
  service: S;
  impl: Partial<ServiceImpl<S>>;
}

export function register<S extends DescService>(service: S, impl: Partial<ServiceImpl<S>>): ServiceRegistration {
  return { service, impl } as unknown as ServiceRegistration;
}

/** A plain HTTP endpoint on the same port (uploads, HLS files, JWKS), by path prefix. */
export interface HttpRoute {
  prefix: string;
  handler: (req: NodeServerRequest, res: NodeServerResponse) => void | Promise<void>;
}

export interface AppOptions {
  services: ServiceRegistration[];
  httpRoutes?: HttpRoute[];
  verifier: TokenVerifier;
  maxMessageBytes?: number;
  maxTimeoutMs?: number;
  /** Extra interceptors, innermost (after validation), e.g. for tests. */
  interceptors?: Interceptor[];
}

export interface App {
  httpRoutes: HttpRoute[];
  routes: (router: ConnectRouter) => void;
  /** Outermost first: tracing → auth → validation → domain-error mapping. */
  interceptors: Interceptor[];
  health: HealthState;
  shutdown: AbortController;
  handler: ReturnType<typeof connectNodeAdapter>;
  maxMessageBytes: number;
}

export function createApp(options: AppOptions): App {
  const health = new HealthState();
  const shutdown = new AbortController();
  const descs = options.services.map((s) => s.service);
  const interceptors = [
    serverTracingInterceptor,
    authInterceptor(options.verifier),
    createValidateInterceptor(),
    errorsInterceptor,
    ...(options.interceptors ?? []),
  ];
  const routes = (router: ConnectRouter) => {
    for (const s of options.services) router.service(s.service, s.impl);
    router.service(Health, healthService(health));
    router.service(ServerReflection, reflectionService([...descs, Health, ServerReflection]));
  };
  health.set("", Status.SERVING);
  for (const d of descs) health.set(d.typeName, Status.SERVING);
  const maxMessageBytes = options.maxMessageBytes ?? 4 * 1024 * 1024;
  const httpRoutes = options.httpRoutes ?? [];
  const handler = connectNodeAdapter({
    // Anything that is not an RPC path: the plain HTTP routes, else 404.
    fallback: (req, res) => {
      const route = httpRoutes.find((r) => req.url?.startsWith(r.prefix));
      if (!route) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found\n");
        return;
      }
      Promise.resolve(route.handler(req, res)).catch((e: unknown) => {
        console.error(`http route ${route.prefix}:`, e);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end();
      });
    },
    routes,
    interceptors,
    readMaxBytes: maxMessageBytes,
    writeMaxBytes: maxMessageBytes,
    maxTimeoutMs: options.maxTimeoutMs ?? 60_000,
    // No `shutdownSignal` here: connect links it into every request's signal, which cost
    // ~10 % of a trivial call's throughput (bench:rpc). Long streams read shutdownKey
    // instead, and close() cuts whatever is left after the grace period.
    contextValues: (req) => {
      const forwarded = req.headers["x-forwarded-for"];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
      return createContextValues()
        .set(peerAddressKey, first || req.socket.remoteAddress || "unknown")
        .set(shutdownKey, shutdown.signal);
    },
  });
  return { routes, interceptors, health, shutdown, handler, maxMessageBytes, httpRoutes };
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** Listens on one port; close() drains health, ends streams, waits up to graceMs. */
export async function serve(app: App, opts: { port: number; host: string; graceMs?: number }): Promise<RunningServer> {
  const server = createOnePortServer(app.handler);
  const port = await server.listen(opts.port, opts.host);
  return {
    port,
    async close() {
      app.health.drain();
      app.shutdown.abort();
      await server.close(opts.graceMs ?? 10_000);
    },
  };
}
