// bench:sim — For You quality measured by simulated viewers (bench/SIMULATOR.md).
// Builds the seeded world, runs the three in-process baselines (random, trending, oracle)
// and the server (its own embedded instance in a child process, or --url), scores them
// with the same metrics and prints them side by side with the targets, then one line of
// JSON. Smaller runs for development: --viewers 30 --swipes 200 --videos 2000 ...
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { isolatedServerEngines } from "../lib/isolated-engines.js";
import { printJson, printTable, type Row } from "../lib/report.js";
import { stageAssets } from "./assets.js";
import { baselinePolicies, runPolicy } from "./baselines.js";
import { connectTransport, MissingRpcs, runServer, type ServerRun } from "./client.js";
import { ConfigError, documentedWorld, parseCli, usage, type RunParams, type SimConfig, type WorldParams } from "./config.js";
import { latency, measure, type Latency, type Metrics } from "./metrics.js";
import { buildWorld, type World } from "./world.js";

const log = (line: string) => process.stderr.write(`[sim] ${line}\n`);

interface Column {
  name: string;
  metrics?: Metrics;
  latency?: Latency;
  note?: string;
}

const TARGETS = {
  wtr: 0.7,
  watchRatio: 0.85,
  coverage: 0.3,
  coldStart: 30,
  recovery: 20,
  p99Ms: 100,
  distinctCreators: 8,
  vsOracle: 0.8,
};

async function main() {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ConfigError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${(e as Error).message}\n\n${usage}`);
      process.exit(2);
    }
    throw e;
  }
  if (cli.help) {
    console.log(usage);
    return;
  }
  const { world: wp, run } = cli.config;
  const t0 = performance.now();
  const world = buildWorld(wp, run);
  log(`world: seed ${run.seed}, T=${wp.topics}, ${wp.creators} creators, ${world.videos.size} videos, ${wp.sounds} sounds, ${run.backgroundViewers} background + ${run.viewers} measured viewers (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  const columns: Column[] = [];
  const baselineSeconds: Record<string, number> = {};
  for (const policy of baselinePolicies(world, run.seed)) {
    const r = runPolicy(world, run, policy);
    baselineSeconds[r.name] = r.seconds;
    log(`baseline ${r.name}: ${r.seconds.toFixed(1)} s`);
    columns.push({ name: r.name, metrics: measure(r.sessions, world.videos.size, wp.driftSwipe) });
  }

  let server: Column = { name: "server" };
  let serverRun: ServerRun | undefined;
  if (run.baselinesOnly) server.note = "skipped (--baselines-only)";
  else {
    try {
      serverRun = await measureServer(cli.config, cli.admin, world);
      server = { name: "server", metrics: measure(serverRun.sessions, world.videos.size, wp.driftSwipe), latency: latency(serverRun.latenciesMs) };
    } catch (e) {
      if (e instanceof MissingRpcs) {
        server.note = `${e.methods.join(", ")} answer${e.methods.length === 1 ? "s" : ""} UNIMPLEMENTED` + (e.done ? ` (setup through the API worked: ${e.done})` : "");
        log(`server column missing: ${e.message}`);
      } else {
        // Still show the baselines; the exit code says the server run failed.
        server.note = `the server run failed: ${(e as Error).message}`;
        console.error(e);
        process.exitCode = 1;
      }
    }
  }
  columns.unshift(server);

  report(cli.config, columns, serverRun, baselineSeconds);
}

/** Starts a server unless --url is given, stages the reused media, runs the viewers. */
async function measureServer(config: SimConfig, adminName: string, world: World): Promise<ServerRun> {
  const { run } = config;
  const tag = `s${randomBytes(3).toString("hex")}`;
  const adminPassword = process.env.SIM_ADMIN_PASSWORD ?? "sim-admin-pass-1";
  let child: ChildProcess | undefined;
  let blobDir = run.blobDir;
  let ownBlobDir = false;
  // The server profile on a database and Redis keyspace of this run's own: on the engines'
  // defaults a second run served the first one's catalogue too (its events were still in
  // the log), and tests or other benches share those engines.
  let engines: Awaited<ReturnType<typeof isolatedServerEngines>> | undefined;
  try {
    let baseUrl = run.url;
    if (!baseUrl) {
      blobDir = await mkdtemp(join(tmpdir(), "flick-sim-blobs-"));
      ownBlobDir = true;
      await stageAssets(blobDir);
      if (run.profile === "server" && process.env.POSTGRES_URL && process.env.REDIS_URL) engines = await isolatedServerEngines("sim", 13);
      const started = await startServer(run, adminName, blobDir, engines && { POSTGRES_URL: engines.postgresUrl, REDIS_URL: engines.redisUrl });
      child = started.child;
      baseUrl = started.url;
      log(`server: ${run.profile} profile at ${baseUrl} (child process ${child.pid})`);
    } else if (blobDir) {
      await stageAssets(blobDir);
      log(`staged the reused media in ${blobDir}`);
    }
    return await runServer(world, run, { transport: connectTransport(baseUrl), admin: { username: adminName, password: adminPassword }, tag, soundMode: run.librarySounds ? "library" : "original", log });
  } finally {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child!.once("exit", r));
    }
    if (ownBlobDir && blobDir) await rm(blobDir, { recursive: true, force: true });
    await engines?.drop();
  }
}

async function startServer(run: RunParams, adminName: string, blobDir: string, engineUrls: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const entry = fileURLToPath(new URL("./server.ts", import.meta.url));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...engineUrls,
    FLICK_PROFILE: run.profile,
    FLICK_ADMINS: adminName,
    FLICK_MEDIA_BLOB_DIR: blobDir,
    // Accounts are the setup, not the measurement: the cheapest scrypt the server allows,
    // and tokens that outlive a full run.
    FLICK_SCRYPT_LOG_N: process.env.FLICK_SCRYPT_LOG_N ?? "10",
    FLICK_ACCESS_TOKEN_TTL_SECONDS: process.env.FLICK_ACCESS_TOKEN_TTL_SECONDS ?? "86400",
  };
  if (run.profile === "embedded") env.FLICK_DATA_DIR ??= "memory://";
  // The young-generation size and pretenuring `npm start` and the image give Flick (see the
  // Dockerfile); SIM_SERVER_NODE_FLAGS adds more, e.g. "--cpu-prof --cpu-prof-dir=DIR".
  const child = spawn(process.execPath, [...(process.env.SIM_SERVER_NODE_FLAGS?.split(" ").filter(Boolean) ?? []), "--max-semi-space-size=64", "--no-allocation-site-pretenuring", "--heap-growing-percent=100", "--import", "tsx", entry], { env, stdio: ["pipe", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr!.on("data", (d: Buffer) => {
    stderr.push(d.toString());
    if (stderr.length > 200) stderr.shift();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`the server did not start within 120 s:\n${stderr.join("")}`)), 120_000);
    lines.on("line", (line) => {
      const m = /^SIM_SERVER_URL=(.+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${stderr.join("")}`));
    });
  });
  return { child, url };
}

const fixed = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || Number.isNaN(x) ? "—" : x.toFixed(digits));

function report(config: SimConfig, columns: Column[], serverRun: ServerRun | undefined, baselineSeconds: Record<string, number>) {
  const { world: wp, run } = config;
  const oracle = columns.find((c) => c.name === "oracle")?.metrics;
  const mark = (ok: boolean | undefined) => (ok === undefined ? "" : ok ? " ✓" : " ✗");
  const documented = (Object.keys(documentedWorld) as (keyof WorldParams)[]).every((k) => wp[k] === documentedWorld[k]);

  type Line = { metric: string; target: string; value: (c: Column) => string; pass?: (c: Column) => boolean | undefined };
  const m = (c: Column) => c.metrics;
  const swipesText = (x: number | null | undefined, none: string) => (x === null ? none : x === undefined ? "—" : String(x));
  const lines: Line[] = [
    { metric: "WTR (watch-through rate)", target: "≥ 0.70", value: (c) => fixed(m(c)?.wtr), pass: (c) => m(c) && m(c)!.wtr >= TARGETS.wtr },
    { metric: "avg watch ratio (capped at 1)", target: "≥ 0.85", value: (c) => fixed(m(c)?.watchRatio), pass: (c) => m(c) && m(c)!.watchRatio >= TARGETS.watchRatio },
    { metric: "coverage", target: "≥ 0.30", value: (c) => fixed(m(c)?.coverage), pass: (c) => m(c) && m(c)!.coverage >= TARGETS.coverage },
    {
      metric: "violations (same creator / sound)",
      target: "0",
      value: (c) => (m(c) ? `${m(c)!.violations} (${m(c)!.sameCreatorViolations} / ${m(c)!.soundViolations})` : "—"),
      pass: (c) => m(c) && m(c)!.violations === 0,
    },
    {
      metric: "distinct creators per 10 (mean; windows < 8)",
      target: "≥ 8",
      value: (c) => (m(c) ? `${fixed(m(c)!.distinctCreatorsPer10, 2)}; ${m(c)!.windowsBelow8Creators}` : "—"),
      pass: (c) => m(c) && m(c)!.windowsBelow8Creators === 0,
    },
    { metric: "cold start (swipes)", target: "≤ 30", value: (c) => swipesText(m(c)?.coldStart, "never"), pass: (c) => m(c) && m(c)!.coldStart !== null && m(c)!.coldStart! <= TARGETS.coldStart },
    { metric: "WTR swipes 101–150 (pre-drift level)", target: "", value: (c) => fixed(m(c)?.preDriftWtr) },
    {
      metric: "recovery after drift (swipes)",
      target: "≤ 20",
      value: (c) => (m(c)?.recovery === 10 ? "10 (no dip)" : swipesText(m(c)?.recovery, "never")),
      pass: (c) => m(c) && m(c)!.recovery !== null && m(c)!.recovery! <= TARGETS.recovery,
    },
    { metric: "For You p50 (ms)", target: "", value: (c) => fixed(c.latency?.p50, 1) },
    { metric: "For You p99 (ms)", target: "< 100", value: (c) => fixed(c.latency?.p99, 1), pass: (c) => (c.latency ? c.latency.p99 < TARGETS.p99Ms : undefined) },
    {
      metric: "WTR / oracle's (any family member)",
      target: "≥ 0.80",
      value: (c) => (m(c) && oracle ? fixed(m(c)!.wtr / oracle.wtr) : "—"),
      pass: (c) => (m(c) && oracle ? m(c)!.wtr / oracle.wtr >= TARGETS.vsOracle : undefined),
    },
  ];
  const rows: Row[] = lines.map((l) => {
    const row: Row = { metric: l.metric, target: l.target };
    for (const c of columns) row[c.name] = c.metrics || c.latency ? l.value(c) + (c.name === "server" ? mark(l.pass?.(c)) : "") : "—";
    return row;
  });
  const title =
    `For You quality: ${run.viewers} viewers × ${run.swipes} swipes after ${run.backgroundViewers} × ${run.backgroundSwipes} background, ` +
    `pages of ${run.pageSize}, ${wp.videos} videos, seed ${run.seed}, ${documented ? "documented world" : "family member (T=" + wp.topics + ")"}` +
    (documented ? "" : "; absolute targets apply to the documented world, the oracle ratio to every member");
  printTable(title, rows);
  const server = columns[0]!;
  if (!server.metrics) console.log(`\nserver column missing: ${server.note}`);
  if (serverRun) {
    const s = serverRun.seconds;
    console.log(
      `\nserver run: ${serverRun.views.toLocaleString("en-US")} views; accounts ${s.accounts.toFixed(1)} s, catalogue ${s.catalogue.toFixed(1)} s (${serverRun.soundMode} sounds), ` +
        `background ${s.background.toFixed(1)} s, measured ${s.measured.toFixed(1)} s, total ${s.total.toFixed(1)} s; ` +
        `short sessions ${serverRun.shortSessions}, retried calls ${serverRun.retries}, repeats ${serverRun.repeats}, foreign items ${serverRun.foreign}, pages not caught up ${serverRun.pagesNotCaughtUp}`,
    );
  }

  const per10 = (mm: Metrics) => Array.from({ length: Math.ceil(mm.wtrBySwipe.length / 10) }, (_, i) => round(avg(mm.wtrBySwipe.slice(i * 10, i * 10 + 10))));
  const figures = (c: Column) => {
    if (!c.metrics) return { missing: c.note };
    const { wtrBySwipe: _curve, ...rest } = c.metrics;
    return { ...roundAll(rest), wtrPer10Swipes: per10(c.metrics), ...(c.latency ? { latencyMs: roundAll(c.latency) } : {}) };
  };
  printJson({
    bench: "sim",
    seed: run.seed,
    documentedWorld: documented,
    world: wp,
    run: { viewers: run.viewers, swipes: run.swipes, backgroundViewers: run.backgroundViewers, backgroundSwipes: run.backgroundSwipes, pageSize: run.pageSize, concurrency: run.concurrency, url: run.url ?? null, profile: run.profile },
    server: { ...figures(server), ...(serverRun ? { seconds: roundAll(serverRun.seconds), views: serverRun.views, soundMode: serverRun.soundMode, retries: serverRun.retries, shortSessions: serverRun.shortSessions, repeats: serverRun.repeats, foreign: serverRun.foreign, pagesNotCaughtUp: serverRun.pagesNotCaughtUp } : {}) },
    baselines: Object.fromEntries(columns.slice(1).map((c) => [c.name, { ...figures(c), seconds: round(baselineSeconds[c.name]!) }])),
    wtrVsOracle: server.metrics && oracle ? round(server.metrics.wtr / oracle.wtr) : null,
  });
}

const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const round = (x: number) => Math.round(x * 10_000) / 10_000;
function roundAll<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "number" ? round(v) : v])) as T;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
