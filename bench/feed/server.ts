// bench:feed:server — the whole GetForYouFeed RPC on a running Flick process at scale
// (issue 8: For You p99 < 50 ms server-side, < 100 ms client-side at 200 requests/s with
// 100,000 videos and 10,000 viewers with a history, server profile). bench:feed times the
// model step alone; this times the call: auth, the viewer's context, the model, rendering.
//
// One process: Flick (identity, social, video, sound, hashtag, engagement, feed) started
// in-process, its database isolated per run (server profile: a fresh PostgreSQL database,
// Redis logical db BENCH_REDIS_DB, default 12, flushed); the client in a worker thread
// (load.worker.ts) so its HTTP/2 and protobuf work stays off the server's event loop.
//   1. catalogue: bench/sim's seeded world imported with ImportVideos (ready media),
//      then wait until For You serves a fresh viewer;
//   2. history: every viewer scrolls For You and reports --history views (RecordView,
//      watch time from the simulator's Viewer model), 64 viewers at a time;
//   3. measured window: --rate GetForYouFeed/s for --seconds (a list, e.g. 200,100: one
//      window per rate), open loop, paced by
//      schedule (latency from when each request was due), random viewers continuing
//      their session (cursor) or starting anew; no views reported in the window.
// CPU ms/req is the whole process (server, client worker, GC and libuv threads); the
// server's main thread's share is shown beside it (Linux).
// Server-side latency: the RPC span of the server's tracing interceptor (outermost
// Connect interceptor: auth → validation → handler; not HTTP/2 framing nor response
// serialisation), collected by a minimal OpenTelemetry tracer provider registered here.
// `npm run bench:feed:server` gives node the platform's young-generation size and
// pretenuring (--max-semi-space-size=64 --no-allocation-site-pretenuring, as `npm start`
// and the image do: see the Dockerfile).
// The bench's own simulated world is built inside setUp() and dropped when it returns,
// so the server's heap in the windows is the platform's (the worker keeps its own copy).
// BENCH_HEAP_SNAPSHOT=dir: after the history, three timed full GCs, the old generation's
// size and a .heapsnapshot of the server's thread (bench/lib/heap-snapshot.ts);
// BENCH_MEM_LOG=1: heap used, external and array-buffer memory every 2 s of a window.
// BENCH_LATENCY_DUMP=prefix: each window's server spans (start, duration) in prefix-<rate>.tsv,
// to line up with --trace-gc's timestamps (both count from the process's start).
// BENCH_CPU_PROFILE=dir: a .cpuprofile of each window; BENCH_HEAP_PROFILE=dir: a sampling
// heap profile of each window, of what outlived the young generation (bench/lib/heap-profile.ts).
//
//   POSTGRES_URL=… REDIS_URL=… npm run bench:feed:server
//   npm run bench:feed:server -- --videos 5000 --viewers 500 --seconds 10 --profile embedded
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { create, createRegistry, type Message } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { AuthTokens } from "@flick/contracts/flick/identity/v1/identity_pb";
import { AccountRegisteredSchema, file_flick_events_v1_identity } from "@flick/contracts/flick/events/v1/identity_pb";
import { createProtobufCodec } from "@flick/kernel";
import { ephemeralKeys, loadConfig, TokenSigner } from "@flick/server";
import { INVALID_SPAN_CONTEXT, trace, type Span, type SpanContext, type Tracer, type TracerProvider } from "@opentelemetry/api";
import { startFlick } from "../../services/start.js";
import { percentile, printJson, printTable, type Row } from "../lib/report.js";
import { startCpuProfile } from "../lib/cpu-profile.js";
import { heapCheckpoint } from "../lib/heap-snapshot.js";
import { startHeapProfile } from "../lib/heap-profile.js";
import { mainThreadCpuMs } from "../lib/thread-cpu.js";
import { isolatedServerEngines } from "../lib/isolated-engines.js";
import { stageAssets } from "../sim/assets.js";
import { Account, apiOn, connectTransport, loadCatalogue, pool, waitForFeed } from "../sim/client.js";
import { configFrom } from "../sim/config.js";
import { buildWorld } from "../sim/world.js";
import type { ControlMessage, LoadInput, LoadMessage } from "./load.worker.js";

const { values } = parseArgs({
  options: {
    videos: { type: "string", default: "100000" },
    viewers: { type: "string", default: "10000" },
    history: { type: "string", default: "16" },
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "20" },
    profile: { type: "string", default: "server" },
    concurrency: { type: "string", default: "64" },
  },
});
const profile = values.profile as "server" | "embedded";
if (profile !== "server" && profile !== "embedded") throw new Error(`--profile server|embedded, not ${profile}`);
if (profile === "server" && !(process.env.POSTGRES_URL && process.env.REDIS_URL)) {
  console.error("the server profile needs POSTGRES_URL and REDIS_URL (or pass --profile embedded)");
  process.exit(2);
}
const VIDEOS = Number(values.videos);
const VIEWERS = Number(values.viewers);
const HISTORY = Number(values.history);
/** One measured window per rate: `--rate 200,100` also shows the latency below saturation. */
const RATES = values.rate.split(",").map(Number);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const RPC = "flick.feed.v1.FeedService/GetForYouFeed";

const t0 = performance.now();
const log = (s: string) => process.stderr.write(`[feed:server ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);
const mb = (n: number) => Math.round(n / 1048576);
const load0 = loadavg();
log(`load average before: ${load0.map((l) => l.toFixed(2)).join(" ")}`);

// ---- server-side latency: the tracing interceptor's span of each GetForYouFeed ----
const serverMs: number[] = [];
/** With BENCH_LATENCY_DUMP: each span's start too (ms since the process began, as --trace-gc counts). */
const serverStarts: number[] = [];
let recording = false;
class TimedSpan implements Span {
  private readonly started = performance.now();
  constructor(private readonly timed: boolean) {}
  spanContext(): SpanContext {
    return INVALID_SPAN_CONTEXT;
  }
  setAttribute() {
    return this;
  }
  setAttributes() {
    return this;
  }
  addEvent() {
    return this;
  }
  addLink() {
    return this;
  }
  addLinks() {
    return this;
  }
  setStatus() {
    return this;
  }
  updateName() {
    return this;
  }
  end() {
    if (!this.timed || !recording) return;
    serverMs.push(performance.now() - this.started);
    serverStarts.push(this.started);
  }
  isRecording() {
    return false;
  }
  recordException() {}
}
const tracer: Tracer = {
  startSpan: (name) => new TimedSpan(name === RPC),
  startActiveSpan: ((name: string, ...rest: unknown[]) => {
    const fn = rest[rest.length - 1] as (s: Span) => unknown;
    return fn(new TimedSpan(name === RPC));
  }) as Tracer["startActiveSpan"],
};
const provider: TracerProvider = { getTracer: () => tracer };
const serverSide = trace.setGlobalTracerProvider(provider);
if (!serverSide) log("a tracer provider is already registered: server-side latency not measured");

// ---- engines, media, world ----
const env: Record<string, string> = { PORT: "0", HOST: "127.0.0.1", FLICK_PROFILE: profile, FLICK_DATA_DIR: "memory://", FLICK_SHUTDOWN_GRACE_MS: "500" };
const engines = profile === "server" ? await isolatedServerEngines("feed", 12) : undefined;
if (engines) Object.assign(env, { POSTGRES_URL: engines.postgresUrl, REDIS_URL: engines.redisUrl, FLICK_MASTER_KEY: "ab".repeat(32) });
const blobDir = await mkdtemp(join(tmpdir(), "flick-feed-bench-"));
await stageAssets(blobDir);
env.FLICK_MEDIA_BLOB_DIR = blobDir;
process.env.FLICK_MEDIA_BLOB_DIR = blobDir;

const { world: wp, run: rp } = configFrom(undefined, { viewers: VIEWERS, backgroundViewers: 0, seed: 11 });
wp.videos = VIDEOS;
wp.creators = Math.max(500, Math.round(VIDEOS / 40));

const keys = ephemeralKeys();
const signer = new TokenSigner(keys, { issuer: "flick", audience: "flick-api", ttlSeconds: 24 * 3600 });
const flick = await startFlick(loadConfig(env), { keys, services: ["identity", "social", "video", "sound", "hashtag", "engagement", "feed"] });
const baseUrl = `http://127.0.0.1:${flick.server.port}`;
log(`flick (${profile}) listening on ${baseUrl}`);

const store = flick.platform.events;
const tag = `fb${randomUUID().replace(/-/g, "").slice(0, 6)}`;
const settle = async (timeoutMs: number) => {
  const marker = await store.append(`settle-${randomUUID()}`, [{ id: randomUUID(), type: "bench.Settled", data: new TextEncoder().encode("{}"), contentType: "application/json" }], "no_stream");
  await Promise.all(flick.platform.readModels().map((m) => m.waitFor(marker.checkpoint, timeoutMs)));
};

// The accounts and the catalogue are set up in a function of their own: the simulated
// world (~430k objects at 100k videos), the catalogue's ids and the client's accounts are
// the bench's, not the platform's. Nothing outside it keeps them, so they are garbage
// once it returns, and the major GCs of the measured windows do not mark them (the
// worker builds its own copy of the world from the same seed, on its own heap).
async function setUp(): Promise<{ worker: Worker; importS: number }> {
  const world = buildWorld(wp, rp);
  log(`world: ${world.videos.size} videos, ${world.creators.length} creators, ${world.sounds.length} sounds, ${world.viewers.length} viewers`);

  // ---- accounts: AccountRegistered appended straight to the event store (no hashing) ----
  let t = performance.now();
  const codec = createProtobufCodec<Message>(createRegistry(file_flick_events_v1_identity));
  const register = async (name: string) => {
    const userId = `usr_${name}`;
    const now = timestampFromDate(new Date());
    await store.append(`account-${userId}`, [{ id: randomUUID(), ...codec.encode(create(AccountRegisteredSchema, { userId, username: name, displayName: name, occurredAt: now })) }], "any");
    return userId;
  };
  const creatorIds = await pool(world.creators, 64, (_c, i) => register(`${tag}c${i}`));
  const viewerIds = await pool(world.viewers, 64, (_s, i) => register(`${tag}v${i}`));
  const adminId = await register(`${tag}admin`);
  await settle(120_000);
  const api = apiOn(connectTransport(baseUrl));
  const account = async (userId: string, role: "user" | "admin") =>
    new Account(api, userId, userId, { accessToken: (await signer.sign(userId, role)).token } as AuthTokens, "127.0.0.1", tag);
  const admin = await account(adminId, "admin");
  const creators = await Promise.all(creatorIds.map((u) => account(u, "user")));
  const tokens = await Promise.all(viewerIds.map(async (u) => (await signer.sign(u, "user")).token));
  const accountsS = (performance.now() - t) / 1000;
  log(`accounts: ${creatorIds.length} creators, ${viewerIds.length} viewers in ${accountsS.toFixed(1)} s`);

  // ---- 1. catalogue ----
  t = performance.now();
  const catalogue = await loadCatalogue(api, admin, world, creators, tag, "original", (s) => log(s.trim()));
  const fresh = await account(await register(`${tag}fresh`), "user");
  await waitForFeed(api, fresh, 30 * 60_000);
  const importS = (performance.now() - t) / 1000;
  log(`catalogue: ${VIDEOS} videos imported and served by For You in ${importS.toFixed(1)} s (RSS ${mb(process.memoryUsage().rss)} MB)`);

  // ---- 2. history: the worker starts on it (the input is copied to it, not kept here) ----
  const input: LoadInput = { baseUrl, tokens, ids: catalogue.ids, world: wp, run: { seed: rp.seed, viewers: rp.viewers, backgroundViewers: rp.backgroundViewers }, history: HISTORY, concurrency: CONCURRENCY, rates: RATES, seconds: SECONDS, tag };
  return { worker: new Worker(new URL("./load.worker.ts", import.meta.url), { workerData: input }), importS };
}
const { worker, importS } = await setUp();
let t = performance.now();
const next = <K extends LoadMessage["type"]>(type: K) =>
  new Promise<Extract<LoadMessage, { type: K }>>((resolve, reject) => {
    const on = (m: LoadMessage) => {
      if (m.type === "progress") return log(`  … ${m.views} views, ${m.viewers} viewers done`);
      if (m.type !== type) return;
      worker.off("message", on);
      resolve(m as Extract<LoadMessage, { type: K }>);
    };
    worker.on("message", on);
    worker.once("error", reject);
  });
const history = await next("history");
const historyS = (performance.now() - t) / 1000;
log(`history: ${history.views} views over ${history.pages} pages by ${VIEWERS} viewers in ${historyS.toFixed(1)} s (${Math.round(history.views / historyS)} views/s, ${history.errors} errors${history.firstError ? `, first: ${history.firstError}` : ""})`);
// Let the projections catch up with the history before the window (the views' effects
// reach the live model asynchronously; a backlog would be measured as feed latency).
t = performance.now();
await settle(10 * 60_000);
log(`projections caught up in ${((performance.now() - t) / 1000).toFixed(1)} s`);
await new Promise((r) => setTimeout(r, 2_000));
heapCheckpoint(`feed-server-${profile}-after-history`, log);

/** BENCH_MEM_LOG: the heap and what lives outside it, every 2 s of a window (what grows between major GCs). */
function logMemory(): void {
  const m = process.memoryUsage();
  log(`memory: heap used ${mb(m.heapUsed)} MB, external ${mb(m.external)} MB (array buffers ${mb(m.arrayBuffers)} MB), RSS ${mb(m.rss)} MB`);
}

// ---- 3. measured windows, one per rate ----
const r2 = (n: number) => Number(n.toFixed(2));
const results = [];
for (const rate of RATES) {
  serverMs.length = 0;
  serverStarts.length = 0;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const loadBefore = loadavg()[0]!;
  const profiler = await startCpuProfile(`feed-server-${profile}-${rate}`);
  const heapProfiler = await startHeapProfile(`feed-server-${profile}-${rate}`);
  loop.enable();
  recording = true;
  worker.postMessage({ type: "go" } satisfies ControlMessage);
  const memTimer = process.env.BENCH_MEM_LOG ? setInterval(logMemory, 2_000) : undefined;
  const done = await next("done");
  clearInterval(memTimer);
  recording = false;
  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  const main1 = mainThreadCpuMs();
  const rss = process.memoryUsage().rss;
  await profiler?.stop();
  await heapProfiler?.stop();
  const load1 = loadavg();
  log(`window at ${rate}/s: ${done.latencies.length} requests in ${done.elapsedSeconds.toFixed(1)} s, ${done.errors} errors${done.firstError ? `, first: ${done.firstError}` : ""}; load average after: ${load1.map((l) => l.toFixed(2)).join(" ")}`);
  const lat = done.latencies;
  if (process.env.BENCH_LATENCY_DUMP) {
    const file = `${process.env.BENCH_LATENCY_DUMP}-${rate}.tsv`;
    writeFileSync(file, serverMs.map((ms, i) => `${serverStarts[i]!.toFixed(1)}\t${ms.toFixed(2)}`).join("\n") + "\n");
    log(`server spans (start ms, duration ms): ${file}`);
  }
  results.push({
    rateTarget: rate,
    rateAchieved: r2(lat.length / done.elapsedSeconds),
    requests: lat.length,
    clientP50Ms: r2(percentile(lat, 50)),
    clientP99Ms: r2(percentile(lat, 99)),
    clientMaxMs: r2(Math.max(...lat)),
    serverP50Ms: serverSide ? r2(percentile(serverMs, 50)) : null,
    serverP99Ms: serverSide ? r2(percentile(serverMs, 99)) : null,
    serverMaxMs: serverSide ? r2(Math.max(...serverMs)) : null,
    serverSpans: serverMs.length,
    eventLoopDelayP99Ms: r2(loop.percentile(99) / 1e6),
    eventLoopDelayMaxMs: r2(loop.max / 1e6),
    workerMaxSendLagMs: r2(done.maxSendLagMs),
    errors: done.errors,
    firstError: done.firstError || undefined,
    emptyPages: done.emptyPages,
    // Process CPU (the server, and the worker thread's client) per request in the window.
    cpuMsPerRequest: r2((cpu.user + cpu.system) / 1000 / Math.max(1, lat.length)),
    // Of which the server's main thread (its event loop: JavaScript, GC pauses, syscalls).
    mainThreadCpuMsPerRequest: main0 === undefined || main1 === undefined ? null : r2((main1 - main0) / Math.max(1, lat.length)),
    // RSS of the whole process: the server, and the worker's client (with its copy of the world).
    rssMb: mb(rss),
    loadAverage1mWindowStart: r2(loadBefore),
    loadAverage1mWindowEnd: r2(load1[0]!),
  });
  // Whatever queued in this window has drained (the worker waited for every answer).
  await new Promise((r) => setTimeout(r, 2_000));
}
await worker.terminate();

const summary = { bench: "feed:server", profile, videos: VIDEOS, viewers: VIEWERS, history: HISTORY, seconds: SECONDS, importSeconds: r2(importS), historySeconds: r2(historyS), historyViews: history.views, loadAverage1mBefore: r2(load0[0]!), loadAverage1mAfter: r2(loadavg()[0]!), results };
const rows: Row[] = results.map((r) => ({
  profile,
  videos: VIDEOS.toLocaleString("en"),
  viewers: VIEWERS.toLocaleString("en"),
  "rate": r.rateTarget,
  "req/s": r.rateAchieved.toFixed(0),
  "client p50 ms": r.clientP50Ms.toFixed(1),
  "client p99 ms": r.clientP99Ms.toFixed(1),
  "client max ms": r.clientMaxMs.toFixed(0),
  "server p50 ms": r.serverP50Ms?.toFixed(1) ?? "n/a",
  "server p99 ms": r.serverP99Ms?.toFixed(1) ?? "n/a",
  "loop delay p99 ms": r.eventLoopDelayP99Ms.toFixed(1),
  "CPU ms/req": r.cpuMsPerRequest.toFixed(1),
  "main thread CPU ms/req": r.mainThreadCpuMsPerRequest?.toFixed(1) ?? "n/a",
  errors: r.errors,
  "import s": summary.importSeconds.toFixed(0),
  "history s": summary.historySeconds.toFixed(0),
  "RSS MB": r.rssMb,
  "load 1m": `${r.loadAverage1mWindowStart.toFixed(1)}→${r.loadAverage1mWindowEnd.toFixed(1)}`,
}));
printTable(`bench:feed:server — GetForYouFeed (8 items) for ${SECONDS} s per rate, ${HISTORY} views per viewer; targets at 200/s: server p99 < 50 ms, client p99 < 100 ms`, rows);
printJson(summary);

process.on("uncaughtException", () => undefined); // the dropped database's leftover connections
await flick.stop().catch(() => undefined);
await engines?.drop();
await rm(blobDir, { recursive: true, force: true });
process.exit(0);


