// Every API service Flick serves, by context. A context whose feature is not built yet
// is registered with no methods: its RPCs answer UNIMPLEMENTED (never fake data), and
// reflection and health still list it, so clients can be generated against the whole API.
import type { DescService } from "@bufbuild/protobuf";
import { register, type ServiceRegistration } from "@flick/server";
import { DiagnosticsService } from "@flick/contracts/flick/diagnostics/v1/diagnostics_service_pb";
import { diagnosticsService } from "./diagnostics/diagnostics.service.js";

export interface ContextModule {
  /** The name used by `flick start --services=…`. */
  name: string;
  services: ServiceRegistration[];
}

const unimplemented = (...services: DescService[]) => services.map((s) => register(s, {}));

export function catalog(): ContextModule[] {
  return [
    { name: "diagnostics", services: [register(DiagnosticsService, diagnosticsService)] },
    ...[].map(() => ({ name: "", services: unimplemented() })),
  ];
}
