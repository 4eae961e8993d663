// grpc.health.v1: what Kubernetes' native grpc probes, Envoy's health checks and
// grpcurl/buf curl ask. "" is the whole server; each registered service by its name.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { shutdownKey } from "../auth/caller.js";
import {
  Health,
  HealthCheckResponse_ServingStatus as Status,
  HealthCheckResponseSchema,
} from "@flick/contracts/grpc/health/v1/health_pb";

export class HealthState {
  private readonly statuses = new Map<string, Status>();
  private readonly listeners = new Set<() => void>();

  set(service: string, status: Status): void {
    this.statuses.set(service, status);
    for (const l of this.listeners) l();
  }

  get(service: string): Status | undefined {
    return this.statuses.get(service);
  }

  all(): Map<string, Status> {
    return new Map(this.statuses);
  }

  /** Marks everything NOT_SERVING: the first step of a graceful shutdown. */
  drain(): void {
    for (const k of this.statuses.keys()) this.set(k, Status.NOT_SERVING);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function healthService(state: HealthState): Partial<ServiceImpl<typeof Health>> {
  return {
    check(req) {
      const status = state.get(req.service);
      if (status === undefined) throw new ConnectError(`unknown service ${req.service}`, Code.NotFound);
      return { status };
    },
    list() {
      const statuses: Record<string, ReturnType<typeof create<typeof HealthCheckResponseSchema>>> = {};
      for (const [k, v] of state.all()) statuses[k] = create(HealthCheckResponseSchema, { status: v });
      return { statuses };
    },
    async *watch(req, ctx) {
      const signal = AbortSignal.any([ctx.signal, ctx.values.get(shutdownKey)]);
      let last: Status | undefined;
      let wake: () => void = () => {};
      const off = state.onChange(() => wake());
      try {
        while (!signal.aborted) {
          const now = state.get(req.service) ?? Status.SERVICE_UNKNOWN;
          if (now !== last) {
            last = now;
            yield { status: now };
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            signal.addEventListener("abort", () => resolve(), { once: true });
          });
        }
      } finally {
        off();
      }
    },
  };
}
