// What a bounded context hands the composition root: its Connect services and the
// projections it needs, built from the platform's ports.
import type { HttpRoute, ServiceRegistration } from "@flick/server";
import type { Platform } from "./platform.js";

export interface FeatureModule {
  /** The name used by `flick start --services=…`. */
  name: string;
  services: ServiceRegistration[];
  /** Plain HTTP endpoints on the same port (resumable uploads, HLS files). */
  httpRoutes?: HttpRoute[];
  /** Background work besides projections (e.g. the media worker's job loop). */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** Builds a module: registers its projections on the platform, returns its services. */
export type FeatureFactory = (platform: Platform) => FeatureModule | Promise<FeatureModule>;
