// bench:engagement — sustained likes + views through the API on one Flick process (80 %
// views, 20 % likes/unlikes), counter freshness (like sent → the count projection has it:
// an upper bound, since it includes the call itself),
// and notification delivery (like sent → the creator's open stream receives it).
// Profiles: embedded always; server (PostgreSQL + Redis) when POSTGRES_URL and REDIS_URL
// are set. BENCH_SECONDS (default 15), BENCH_CONCURRENCY (default 128), BENCH_PROFILES.
// Calls in flight: the load is closed-loop, so with few clients the figure is the clients'
// round-trip rate, not the server's capacity (32 in flight left the server ~15 % idle);
// 128 saturates one process here while freshness and notification latency stay in target.
import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { loadavg } from "node:os";
import { create, createRegistry, type Message } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { EngagementService } from "@flick/contracts/flick/engagement/v1/engagement_service_pb";
import { AccountRegisteredSchema, file_flick_events_v1_identity } from "@flick/contracts/flick/events/v1/identity_pb";
import { file_flick_events_v1_video, VideoPrivacy, VideoPublishedSchema } from "@flick/contracts/flick/events/v1/video_pb";
import { NotificationService } from "@flick/contracts/flick/notification/v1/notification_service_pb";
import { createProtobufCodec } from "@flick/kernel";
import { ephemeralKeys, loadConfig, TokenSigner } from "@flick/server";
import { engagementContext } from "../../services/engagement/engagement.context.js";
import { startFlick } from "../../services/start.js";
import { percentile, printJson, printTable, type Row } from "../lib/report.js";
import { startCpuProfile } from "../lib/cpu-profile.js";
import { isolatedServerEngines } from "../lib/isolated-engines.js";
import type { LoadInput, LoadMessage } from "./load.worker.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 128);
const USERS = 400;
const VIDEOS = 100;
const codec = createProtobufCodec<Message>(createRegistry(file_flick_events_v1_identity, file_flick_events_v1_video));
const id = (p: string) => `${p}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
const rid = () => randomUUID().replace(/-/g, "");

async function run(profile: "embedded" | "server") {
  const env: Record<string, string> = { PORT: "0", HOST: "127.0.0.1", FLICK_PROFILE: profile, FLICK_DATA_DIR: "memory://", FLICK_SHUTDOWN_GRACE_MS: "500" };
  const engines = profile === "server" ? await isolatedServerEngines("engagement", 13) : undefined;
  if (engines) Object.assign(env, { POSTGRES_URL: engines.postgresUrl, REDIS_URL: engines.redisUrl, FLICK_MASTER_KEY: "ab".repeat(32) });
  const keys = ephemeralKeys();
  const signer = new TokenSigner(keys, { issuer: "flick", audience: "flick-api", ttlSeconds: 3600 });
  const flick = await startFlick(loadConfig(env), { keys, services: ["identity", "social", "engagement", "notification"] });
  const store = flick.platform.events;
  const now = () => timestampFromDate(new Date());
  const append = (stream: string, m: Message) => store.append(stream, [{ id: randomUUID(), ...codec.encode(m) }], "any");

  const users = Array.from({ length: USERS }, () => id("usr"));
  const creator = users[0]!;
  for (const u of users) await append(`account-${u}`, create(AccountRegisteredSchema, { userId: u, username: u.replace("usr_", "b"), displayName: u, occurredAt: now() }));
  const videos = Array.from({ length: VIDEOS }, () => id("vid"));
  for (const v of videos) {
    await append(`video-${v}`, create(VideoPublishedSchema, { videoId: v, userId: creator, privacy: VideoPrivacy.PUBLIC, commentEnabled: true, durationMs: 15_000, occurredAt: now(), createdAt: now() }));
  }
  const marker = await store.append(`settle-${randomUUID()}`, [{ id: randomUUID(), type: "bench.Settled", data: new TextEncoder().encode("{}"), contentType: "application/json" }], "no_stream");
  await Promise.all(flick.platform.readModels().map((m) => m.waitFor(marker.checkpoint, 60_000)));

  const baseUrl = `http://127.0.0.1:${flick.server.port}`;
  const tokens = await Promise.all(users.map(async (u) => (await signer.sign(u, "user")).token));
  const transport = (token: string) =>
    createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true, interceptors: [(next) => (req) => (req.header.set("authorization", `Bearer ${token}`), next(req))] });
  const counts = engagementContext(flick.platform).models.counts;
  const epochNow = () => performance.timeOrigin + performance.now();

  // The creator's live stream: notification latency is send → receive of a new actor's
  // like of a video the load generator leaves alone (so every such like is a new actor).
  const notifyVideo = videos[0]!;
  const pending = new Map<string, number>();
  const notifyLatency: number[] = [];
  const streamAbort = new AbortController();
  const notifications = createClient(NotificationService, transport(tokens[0]!));
  const streaming = (async () => {
    try {
      for await (const m of notifications.streamNotifications({}, { signal: streamAbort.signal })) {
        if (m.change.case !== "notification") continue;
        const actor = m.change.value.actors[0]?.userId;
        const sent = actor && pending.get(actor);
        if (sent) {
          notifyLatency.push(performance.now() - sent);
          pending.delete(actor);
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  await new Promise((r) => setTimeout(r, 300));

  let errors = 0;
  const freshness: number[] = [];
  const freshnessWaits: Promise<void>[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  // A like of the notified video by a new fan every 200 ms, measured from send to receive.
  const notifier = async () => {
    const client = createClient(EngagementService, createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true }));
    for (let u = 1; performance.now() < deadline && u < USERS; u++) {
      pending.set(users[u]!, performance.now());
      await client.likeVideo({ requestId: rid(), videoId: notifyVideo }, { headers: { authorization: `Bearer ${tokens[u]}` } }).catch(() => errors++);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const profiler = await startCpuProfile(`engagement-${profile}`);
  const cpuBefore = process.cpuUsage();
  const input: LoadInput = { baseUrl, tokens, videos: videos.slice(1), seconds: SECONDS, concurrency: CONCURRENCY };
  const load = new Worker(new URL("./load.worker.ts", import.meta.url), { workerData: input });
  const done = new Promise<Extract<LoadMessage, { type: "done" }>>((resolve, reject) => {
    load.on("message", (m: LoadMessage) => {
      if (m.type === "done") return resolve(m);
      freshnessWaits.push(counts.waitFor(m.consistencyToken, 10_000).then((ok) => void (ok && freshness.push(epochNow() - m.sentAt))));
    });
    load.on("error", reject);
  });
  const [totals] = await Promise.all([done, notifier()]);
  await load.terminate();
  const cpu = process.cpuUsage(cpuBefore);
  const load1 = loadavg()[0]!;
  await profiler?.stop();
  const { views, likes, elapsedSeconds: elapsed, firstError } = totals;
  errors += totals.errors;
  await Promise.all(freshnessWaits);
  await new Promise((r) => setTimeout(r, 1_000));
  streamAbort.abort();
  await streaming;
  await flick.stop();
  if (engines) cleanups.push(engines.drop);
  return {
    profile,
    seconds: Number(elapsed.toFixed(1)),
    commandsPerSecond: Math.round((views + likes) / elapsed),
    viewsPerSecond: Math.round(views / elapsed),
    likesPerSecond: Math.round(likes / elapsed),
    errors,
    firstError,
    freshnessP50Ms: percentile(freshness, 50),
    freshnessP99Ms: percentile(freshness, 99),
    notificationP50Ms: percentile(notifyLatency, 50),
    notificationP99Ms: percentile(notifyLatency, 99),
    notificationsMeasured: notifyLatency.length,
    notificationsLost: pending.size,
    // CPU of this process (the server, and the load generator's thread) per command, and the machine's load:
    // on a shared machine throughput swings with other jobs, CPU per command much less.
    processCpuMsPerCommand: Number(((cpu.user + cpu.system) / 1000 / (views + likes)).toFixed(3)),
    loadAverage1m: Number(load1.toFixed(2)),
  };
}



/** Run after the results are out: a pool flick.stop() left open must not fail the run. */
const cleanups: (() => Promise<void>)[] = [];
const wanted = (process.env.BENCH_PROFILES ?? "embedded,server").split(",");
const results = [];
for (const profile of ["embedded", "server"] as const) {
  if (!wanted.includes(profile)) continue;
  if (profile === "server" && !(process.env.POSTGRES_URL && process.env.REDIS_URL)) {
    console.warn("*** server profile SKIPPED: set POSTGRES_URL and REDIS_URL (scripts/ci/postgres.sh, scripts/ci/redis.sh) ***");
    continue;
  }
  results.push(await run(profile));
}
const rows: Row[] = results.map((r) => ({
  profile: r.profile,
  "commands/s": r.commandsPerSecond,
  "views/s": r.viewsPerSecond,
  "likes/s": r.likesPerSecond,
  errors: r.errors,
  "freshness p50 ms": r.freshnessP50Ms,
  "freshness p99 ms": r.freshnessP99Ms,
  "notification p50 ms": r.notificationP50Ms,
  "notification p99 ms": r.notificationP99Ms,
  "notifications (lost)": `${r.notificationsMeasured} (${r.notificationsLost})`,
  "CPU ms/command": r.processCpuMsPerCommand,
  "load avg": r.loadAverage1m,
}));
printTable(`bench:engagement — ${SECONDS} s, ${CONCURRENCY} in flight, 80 % views, one process`, rows);
for (const r of results) if (r.firstError) console.log(`${r.profile}: first error: ${r.firstError}`);
printJson({ bench: "engagement", seconds: SECONDS, concurrency: CONCURRENCY, results });
process.on("uncaughtException", () => undefined); // the dropped database's leftover connections
for (const cleanup of cleanups) await cleanup();
// The Redis pub/sub subscriber connection outlives flick.stop(); nothing is left to do.
process.exit(0);
