#!/usr/bin/env node
// Derives the loopback variant of envoy/envoy.yaml: every Flick cluster points at one
// `npm start` (all services in one process), the listener and admin bind 127.0.0.1,
// and localhost origins pass CORS. Everything else — routes, JWT rules, limits,
// retries, local replies — is the production config itself, so the e2e test exercises it.
//
//   node envoy/local.mjs [--flick-port=8080] [--listen-port=10000] [--admin-port=9901]
//                        [--otlp-port=4317] [--cluster-port=flick-media=9000 ...]
// prints the config; `node envoy/gen-routes.mjs` writes the defaults to envoy.local.yaml.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HEADER = `# GENERATED from envoy/envoy.yaml by \`node envoy/gen-routes.mjs\`; do not edit.
# The same edge in front of ONE local Flick (npm start, all services) on 127.0.0.1:8080,
# listening on 127.0.0.1:10000. \`bash scripts/ci/envoy.sh start\` derives it again for
# other ports (FLICK_PORT, ENVOY_PORT).
`;

/**
 * @param {string} text envoy.yaml
 * @param {{flickPort?: number, listenPort?: number, adminPort?: number, otlpPort?: number,
 *          ratelimitPort?: number, clusterPorts?: Record<string, number>}} [opts]
 */
export function localConfig(text, opts = {}) {
  const { flickPort = 8080, listenPort = 10000, adminPort = 9901, otlpPort = 4317, ratelimitPort = 8081, clusterPorts = {} } = opts;
  const body = text.slice(text.indexOf("\nadmin:") + 1);
  let out = body
    .replace("address: {socket_address: {address: 127.0.0.1, port_value: 9901}}", `address: {socket_address: {address: 127.0.0.1, port_value: ${adminPort}}}`)
    .replace("address: {socket_address: {address: 0.0.0.0, port_value: 10000}}", `address: {socket_address: {address: 127.0.0.1, port_value: ${listenPort}}}`)
    .replaceAll("type: STRICT_DNS", "type: STATIC")
    .replace(/\{socket_address: \{address: (flick-[a-z]+), port_value: 8080\}\}/g, (_, name) => `{socket_address: {address: 127.0.0.1, port_value: ${clusterPorts[name] ?? flickPort}}}`)
    .replace("{socket_address: {address: otel-collector, port_value: 4317}}", `{socket_address: {address: 127.0.0.1, port_value: ${otlpPort}}}`)
    .replace("{socket_address: {address: ratelimit, port_value: 8081}}", `{socket_address: {address: 127.0.0.1, port_value: ${ratelimitPort}}}`)
    .replace("uri: http://flick-identity:8080/", `uri: http://127.0.0.1:${clusterPorts["flick-identity"] ?? flickPort}/`)
    // A web app on a dev server (Vite, Next) calls from its own localhost port.
    .replace(/^( *)allow_origin_string_match:\n/gm, (line, indent) => `${line}${indent}- safe_regex: {regex: 'http://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?'}\n`);
  const leftover = /address: (?!127\.0\.0\.1|0\.0\.0\.0)[a-z][a-z0-9-]*, port_value/.exec(out);
  if (leftover) throw new Error(`local.mjs: an upstream still points at a DNS name: ${leftover[0]}`);
  return HEADER + "\n" + out;
}

function main() {
  const { values } = parseArgs({
    options: {
      "flick-port": { type: "string" },
      "listen-port": { type: "string" },
      "admin-port": { type: "string" },
      "otlp-port": { type: "string" },
      "cluster-port": { type: "string", multiple: true },
    },
  });
  const num = (v) => (v === undefined ? undefined : Number(v));
  const clusterPorts = Object.fromEntries((values["cluster-port"] ?? []).map((kv) => kv.split("=")).map(([k, v]) => [k, Number(v)]));
  const text = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "envoy.yaml"), "utf8");
  process.stdout.write(
    localConfig(text, {
      flickPort: num(values["flick-port"]),
      listenPort: num(values["listen-port"]),
      adminPort: num(values["admin-port"]),
      otlpPort: num(values["otlp-port"]),
      clusterPorts,
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
