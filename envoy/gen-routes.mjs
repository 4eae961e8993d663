#!/usr/bin/env node
// Keeps the per-RPC parts of envoy/envoy.yaml in step with the protos, and derives
// envoy/envoy.local.yaml and the Kubernetes copy (k8s/base/envoy-config/) from it.
//
//   node envoy/gen-routes.mjs           rewrite the GENERATED blocks and the derived files
//   node envoy/gen-routes.mjs --check   exit 1 if any of them is stale (a unit test runs this)
//
// Whether an RPC is anonymous, side-effect free, a stream or admin-only is part of the
// API contract (proto options). Hand-kept lists in Envoy would drift from it silently;
// this reads the same descriptors the server's auth interceptor reads (`buf build`,
// no network, no generated code needed).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFileRegistry, fromBinary, getOption } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { localConfig } from "./local.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Flick Deployments (k8s/base): the `flick start --services=` modules each runs, the
 * proto packages whose RPCs it serves, and its plain HTTP routes. The Envoy cluster and
 * the Kubernetes Service share the Deployment's name. A group with no API and no HTTP
 * route (the media worker) gets neither: nothing calls it.
 */
export const GROUPS = [
  { cluster: "flick-identity", modules: ["identity", "social", "diagnostics"], apis: ["flick.identity.v1", "flick.social.v1", "flick.diagnostics.v1"], http: [] },
  // The video module also serves the tus upload endpoint and HLS playback.
  { cluster: "flick-video", modules: ["video", "sound", "hashtag", "challenge"], apis: ["flick.video.v1", "flick.sound.v1", "flick.challenge.v1"], http: ["/uploads/", "/media/"] },
  { cluster: "flick-engagement", modules: ["engagement"], apis: ["flick.engagement.v1"], http: [] },
  { cluster: "flick-feed", modules: ["feed", "trending"], apis: ["flick.feed.v1", "flick.trending.v1"], http: [] },
  { cluster: "flick-search", modules: ["search"], apis: ["flick.search.v1"], http: [] },
  { cluster: "flick-notification", modules: ["notification"], apis: ["flick.notification.v1"], http: [] },
  { cluster: "flick-analytics", modules: ["analytics"], apis: ["flick.analytics.v1"], http: [] },
  // Transcoding jobs from the queue; scales on its own, on the image with ffmpeg.
  { cluster: "flick-media", modules: ["media"], apis: [], http: [] },
];

/** Groups Envoy routes to (an API or an HTTP route): each has a cluster and a Service. */
export const routedGroups = () => GROUPS.filter((g) => g.apis.length || g.http.length);

/**
 * Anonymous RPCs that cost a password hash or send mail: a tighter token bucket per
 * Envoy replica, so a credential-stuffing burst cannot take the identity pods' CPU.
 * (scrypt at N=2^15 is 50-100 ms of a core per call.) Not derivable from the protos.
 */
export const CREDENTIAL_RPCS = [
  "flick.identity.v1.AccountService/Register",
  "flick.identity.v1.AccountService/SignIn",
  "flick.identity.v1.AccountService/RequestPasswordReset",
  "flick.identity.v1.AccountService/ResetPassword",
];

const ACCESS_ANONYMOUS = 1;
const ACCESS_ADMIN = 2;

/** Every RPC of Flick's API with what Envoy needs to know about it. */
export function readRpcs() {
  const image = execFileSync(join(root, "node_modules/.bin/buf"), ["build", "--exclude-source-info", "-o", "-#format=binpb"], {
    cwd: root,
    maxBuffer: 64 << 20,
  });
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, image));
  const access = registry.getExtension("flick.common.v1.access");
  const rpcs = [];
  for (const file of registry.files) {
    if (!/^flick\.[a-z]+\.v1$/.test(file.proto.package) || file.proto.package === "flick.events.v1") continue;
    for (const service of file.services) {
      for (const method of service.methods) {
        const rule = getOption(method, access);
        rpcs.push({
          pkg: file.proto.package,
          service: service.typeName,
          method: method.name,
          path: `/${service.typeName}/${method.name}`,
          anonymous: rule === ACCESS_ANONYMOUS,
          admin: rule === ACCESS_ADMIN,
          noSideEffects: method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS,
          streaming: method.methodKind !== "unary",
        });
      }
    }
  }
  return rpcs.sort((a, b) => a.path.localeCompare(b.path));
}

function clusterOf(pkg) {
  const group = GROUPS.find((g) => g.apis.includes(pkg));
  if (!group) throw new Error(`${pkg}: no Deployment serves it; add it to GROUPS in envoy/gen-routes.mjs and to k8s/base`);
  return group.cluster;
}

function routesBlock(rpcs) {
  const out = [];
  let credentialAnchor = false;
  const credentials = new Set(CREDENTIAL_RPCS.map((p) => `/${p}`));
  for (const p of credentials) if (!rpcs.some((r) => r.path === p)) throw new Error(`CREDENTIAL_RPCS: ${p} is not in the protos`);

  const order = (pkg) => GROUPS.findIndex((g) => g.cluster === clusterOf(pkg));
  const pkgs = [...new Set(rpcs.map((r) => r.pkg))].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  for (const pkg of pkgs) {
    const cluster = clusterOf(pkg);
    const inPkg = rpcs.filter((r) => r.pkg === pkg);
    out.push(`# ${pkg} → ${cluster}`);
    for (const r of inPkg.filter((r) => r.streaming)) {
      out.push(
        `- name: ${r.path.slice(1)}`,
        `  match: {path: ${r.path}}`,
        `  route: {cluster: ${cluster}, timeout: 0s, idle_timeout: 3600s}`,
      );
    }
    for (const r of inPkg.filter((r) => credentials.has(r.path))) {
      out.push(
        `- name: ${r.path.slice(1)}`,
        `  match: {path: ${r.path}}`,
        `  route: {cluster: ${cluster}, timeout: 15s}`,
        `  typed_per_filter_config:`,
      );
      if (credentialAnchor) {
        out.push(`    envoy.filters.http.local_ratelimit: *credential_rate_limit`);
        continue;
      }
      credentialAnchor = true;
      out.push(
        `    # One bucket per RPC and Envoy replica: bursts of 50, then 25 a second.`,
        `    envoy.filters.http.local_ratelimit: &credential_rate_limit`,
        `      "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit`,
        `      stat_prefix: credentials`,
        `      token_bucket: {max_tokens: 50, tokens_per_fill: 25, fill_interval: 1s}`,
        `      filter_enabled: {runtime_key: edge.credential_rate_limit.enabled, default_value: {numerator: 100, denominator: HUNDRED}}`,
        `      filter_enforced: {runtime_key: edge.credential_rate_limit.enforced, default_value: {numerator: 100, denominator: HUNDRED}}`,
        `      status: {code: TooManyRequests}`,
        `      rate_limited_as_resource_exhausted: true`,
        `      enable_x_ratelimit_headers: DRAFT_VERSION_03`,
        `      response_headers_to_add: [{header: {key: x-local-rate-limit, value: "true"}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}]`,
      );
    }
    // Exact paths, not one regex per service: RE2 refuses long alternations by default,
    // and an exact match is the cheapest lookup Envoy has.
    for (const r of inPkg.filter((r) => r.noSideEffects && !r.streaming && !credentials.has(r.path))) {
      out.push(
        `- name: ${r.path.slice(1)}`,
        `  match: {path: ${r.path}}`,
        `  route: {cluster: ${cluster}, timeout: 15s, retry_policy: *idempotent_retry}`,
      );
    }
    out.push(`- name: ${pkg}`, `  match: {prefix: /${pkg}.}`, `  route: {cluster: ${cluster}, timeout: 15s}`);
  }
  return out;
}

function anonymousBlock(rpcs) {
  return rpcs.filter((r) => r.anonymous).flatMap((r) => [`- match: {path: ${r.path}}`, `  requires: *token_if_present`]);
}

function adminBlock(rpcs) {
  const admin = rpcs.filter((r) => r.admin);
  if (!admin.length) throw new Error("no ACCESS_ADMIN RPC: drop the RBAC filter from envoy.yaml");
  return admin.map((r) => `- url_path: {path: {exact: ${r.path}}}`);
}

/** Replaces the lines between `# BEGIN GENERATED <name>` and its END, at the marker's indent. */
export function fillBlock(text, name, lines) {
  const begin = new RegExp(`^( *)# BEGIN GENERATED ${name}\\n`, "m");
  const m = begin.exec(text);
  if (!m) throw new Error(`envoy.yaml: marker "# BEGIN GENERATED ${name}" not found`);
  const endMarker = `${m[1]}# END GENERATED ${name}\n`;
  const end = text.indexOf(endMarker, m.index);
  if (end < 0) throw new Error(`envoy.yaml: marker "# END GENERATED ${name}" not found`);
  const body = lines.map((l) => `${m[1]}${l}\n`).join("");
  return text.slice(0, m.index + m[0].length) + body + text.slice(end);
}

export function generate(text, rpcs = readRpcs()) {
  for (const g of routedGroups()) {
    if (!text.includes(`- name: ${g.cluster}\n`)) throw new Error(`envoy.yaml: cluster ${g.cluster} is missing`);
  }
  let out = fillBlock(text, "routes", routesBlock(rpcs));
  out = fillBlock(out, "anonymous-rpcs", anonymousBlock(rpcs));
  return fillBlock(out, "admin-rpcs", adminBlock(rpcs));
}

const K8S_COPY_HEADER = "# COPY of envoy/envoy.yaml for the flick-envoy-config ConfigMap (kustomize reads only\n# files under k8s/base). Written by `node envoy/gen-routes.mjs`; edit envoy/envoy.yaml.\n";

const readOr = (file, dflt) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return dflt;
  }
};

function main() {
  const check = process.argv.includes("--check");
  const source = join(root, "envoy/envoy.yaml");
  const next = generate(readFileSync(source, "utf8"));
  const outputs = {
    "envoy/envoy.yaml": next,
    "envoy/envoy.local.yaml": localConfig(next),
    "k8s/base/envoy-config/envoy.yaml": K8S_COPY_HEADER + next,
  };
  const stale = Object.keys(outputs).filter((f) => readOr(join(root, f), "") !== outputs[f]);
  if (check) {
    if (stale.length) {
      console.error(`stale: ${stale.join(", ")}; run: node envoy/gen-routes.mjs`);
      process.exit(1);
    }
    console.log("envoy: generated routes, envoy.local.yaml and the k8s copy are up to date");
    return;
  }
  for (const f of stale) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), outputs[f]);
  }
  console.log(stale.length ? `wrote ${stale.join(", ")}` : "envoy: already up to date");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
