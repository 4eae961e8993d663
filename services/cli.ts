// `flick start [--services=a,b] [--profile=embedded|server|distributed]`: one entry point
// for every Deployment; `npm start` runs everything in one process.
import { parseArgs } from "node:util";
import { loadConfig } from "@flick/server";
import { startTelemetry } from "@flick/telemetry";
import { featureNames } from "./catalog.js";
import { projectionsCommand } from "./projections-cli.js";
import { startFlick } from "./start.js";

const USAGE = `usage: flick start [--services=name,…] [--profile=embedded|server|distributed|distributed-local] [--port=N]
       flick projections list | rebuild <name> | rebuild --all

Services: ${featureNames().join(", ")} (default: all)
Configuration comes from environment variables; see README.md.`;

async function start(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { services: { type: "string" }, profile: { type: "string" }, port: { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) return void console.log(USAGE);
  const env = { ...process.env };
  if (values.profile) env.FLICK_PROFILE = values.profile;
  if (values.port) env.PORT = values.port;
  const config = loadConfig(env);
  const services = values.services?.split(",").map((s) => s.trim());

  const telemetry = startTelemetry({ serviceName: config.OTEL_SERVICE_NAME, exporter: config.FLICK_TRACES });
  const flick = await startFlick(config, { services });
  console.log(
    `flick: ${flick.platform.engines.describe()}; services ${flick.modules.map((m) => m.name).join(",")}; ` +
      `listening on http://${config.HOST}:${flick.server.port} (Connect, gRPC, gRPC-Web; HTTP/1.1 and h2c)`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`flick: ${signal}, draining (up to ${config.FLICK_SHUTDOWN_GRACE_MS} ms)`);
    await flick.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

export async function main(argv: string[]): Promise<void> {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 22) {
    throw new Error(
      `Flick needs Node 22 (this is ${process.version}). Run it through npm (npm start), ` +
        "which uses the Node 22 that `npm ci` installed into node_modules/.bin.",
    );
  }
  const [command, ...rest] = argv;
  if (command === "start") return start(rest);
  if (command === "projections") return projectionsCommand(rest);
  console.log(USAGE);
  if (command && command !== "help" && command !== "--help") process.exitCode = 2;
}
