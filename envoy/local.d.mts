// Types for local.mjs (a plain script, so scripts/ci/envoy.sh runs it without a build).
export interface LocalOptions {
  flickPort?: number;
  listenPort?: number;
  adminPort?: number;
  otlpPort?: number;
  ratelimitPort?: number;
  /** Point one cluster (e.g. "flick-media") at another loopback port. */
  clusterPorts?: Record<string, number>;
}
export function localConfig(envoyYaml: string, opts?: LocalOptions): string;
