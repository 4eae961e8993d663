// Types for gen-routes.mjs (a plain script, so it runs without a build step).
export interface ServiceGroup {
  /** Envoy cluster and Kubernetes Service/Deployment name. */
  cluster: string;
  /** `flick start --services=` module names. */
  modules: string[];
  /** Proto packages ("flick.video.v1") whose RPCs it serves. */
  apis: string[];
  /** Plain HTTP path prefixes it serves ("/uploads/"). */
  http: string[];
}
export interface Rpc {
  pkg: string;
  service: string;
  method: string;
  /** "/flick.x.v1.Service/Method" */
  path: string;
  anonymous: boolean;
  admin: boolean;
  noSideEffects: boolean;
  streaming: boolean;
}
export const GROUPS: ServiceGroup[];
export function routedGroups(): ServiceGroup[];
export const CREDENTIAL_RPCS: string[];
export function readRpcs(): Rpc[];
export function fillBlock(text: string, name: string, lines: string[]): string;
export function generate(envoyYaml: string, rpcs?: Rpc[]): string;
