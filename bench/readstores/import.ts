// bench:import — what a bulk load costs end to end: ImportVideos of N already-transcoded
// videos (default 20,000, 500 per request, 4 requests in flight, as the simulator loads
// its catalogue) against a Flick server in its own process, then the time until every
// projection has caught up (GET /debug/projections). The read side is where a bulk load
// used to spend its time (one statement per row), so each projection's catch-up time is
// listed: the slowest one is what the next optimisation should look at.
//
//   npx tsx bench/readstores/import.ts                      # embedded profile, in memory
//   FLICK_PROFILE=server POSTGRES_URL=… REDIS_URL=… FLICK_MASTER_KEY=… npx tsx bench/readstores/import.ts
//     (give it a database and a Redis db of its own: another Flick on the same ones runs
//     the same projections and competes for their checkpoints)
//   BENCH_VIDEOS (20000)  BENCH_CREATORS (200)  BENCH_SOUNDS (2000)  BENCH_HASHTAGS (500)
//   BENCH_SERVICES        modules to run (default all), e.g. identity,video,sound,hashtag:
//                         what the catalogue's own read models cost without the others'
//
// A tenth of the videos (one per sound) bring an original sound, the rest reuse those
// sounds; each video carries three hashtags of a vocabulary; creators post alike.
import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { AccountService } from "@flick/contracts/flick/identity/v1/account_service_pb";
import { Privacy } from "@flick/contracts/flick/video/v1/video_pb";
import { ImportedOriginalSoundSchema, ImportedVideoSchema, VideoService, type ImportedVideo } from "@flick/contracts/flick/video/v1/video_service_pb";
import { printJson, printTable, type Row } from "../lib/report.js";

const VIDEOS = Number(process.env.BENCH_VIDEOS ?? 20_000);
const CREATORS = Number(process.env.BENCH_CREATORS ?? 200);
const SOUNDS = Math.min(VIDEOS, Number(process.env.BENCH_SOUNDS ?? 2_000));
const HASHTAGS = Number(process.env.BENCH_HASHTAGS ?? 500);
const PER_REQUEST = 500;
const IN_FLIGHT = 4;
const PASSWORD = "import-bench-pass-1";

const assets = {
  master: "bench/import/master.m3u8",
  rendition: "bench/import/720p/index.m3u8",
  thumbnail: "bench/import/thumb.jpg",
  audio: "bench/import/sound.m4a",
};

function round(s: number): number {
  return Math.round(s * 10) / 10;
}

if (process.argv.includes("--server")) await serve();
else await main();

/** The child: a Flick server as the e2e suites start one, until stdin closes. */
async function serve(): Promise<void> {
  const { startTestServer } = await import("../../services/test/support.js");
  const passed = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && /^(FLICK_|POSTGRES_|REDIS_|CASSANDRA_)/.test(k)));
  const services = process.env.BENCH_SERVICES?.split(",").filter(Boolean);
  const server = await startTestServer({ env: passed as Record<string, string>, services });
  process.stdout.write(`IMPORT_BENCH_URL=${server.baseUrl}\n`);
  process.stdin.on("end", () => void server.close().finally(() => process.exit(0)));
  process.stdin.resume();
}

async function main(): Promise<void> {
  const profile = process.env.FLICK_PROFILE ?? "embedded";
  const tag = randomBytes(3).toString("hex");
  const adminName = `ib${tag}admin`;
  const blobDir = await mkdtemp(join(tmpdir(), "flick-import-bench-"));
  let child: ChildProcess | undefined;
  try {
    for (const [key, body] of Object.entries({ [assets.master]: "#EXTM3U\n", [assets.rendition]: "#EXTM3U\n", [assets.thumbnail]: "jpeg", [assets.audio]: "m4a" })) {
      await mkdir(dirname(join(blobDir, key)), { recursive: true });
      await writeFile(join(blobDir, key), body);
    }
    const started = await startServer(profile, blobDir, adminName);
    child = started.child;
    const baseUrl = started.url;
    const transport = createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true });
    const accounts = createClient(AccountService, transport);
    const videos = createClient(VideoService, transport);

    const register = async (username: string, n: number) => {
      const headers = { "x-forwarded-for": `10.9.${(n >> 8) & 255}.${(n & 255) || 1}` };
      const res = await accounts.register({ requestId: `reg-${tag}-${n}`, contact: { case: "email", value: `${username}@bench.flick.test` }, password: PASSWORD, username }, { headers });
      return { userId: res.userId, token: res.tokens!.accessToken };
    };
    const admin = await register(adminName, 0);
    const creators: string[] = [];
    for (let i = 0; i < CREATORS; i += 20) {
      const batch = await Promise.all(Array.from({ length: Math.min(20, CREATORS - i) }, (_, j) => register(`ib${tag}c${i + j}`, i + j + 1)));
      creators.push(...batch.map((c) => c.userId));
    }
    const auth = { headers: { authorization: `Bearer ${admin.token}` } };

    const now = Date.now();
    const videoId = (v: number) => `vid_ib${tag}_${v}`;
    const item = (v: number): ImportedVideo =>
      create(ImportedVideoSchema, {
        videoId: videoId(v),
        creatorUserId: creators[v % creators.length]!,
        caption: `bench video ${v}`,
        hashtags: [0, 1, 2].map((k) => `tag${(v * 7 + k * 131) % HASHTAGS}`).filter((t, i, all) => all.indexOf(t) === i),
        // Video s (< SOUNDS) brings sound s; every later one reuses sound v % SOUNDS.
        sound: v < SOUNDS ? { case: "originalSound", value: create(ImportedOriginalSoundSchema, { title: `sound ${v}`, audioPath: assets.audio }) } : { case: "soundId", value: `snd_ib${tag}_${v % SOUNDS}` },
        durationMs: 5_000 + (v % 50) * 1_000,
        width: 1080,
        height: 1920,
        masterPlaylistPath: assets.master,
        renditions: [{ quality: "720p", width: 720, height: 1280, bandwidth: 2_000_000, playlistPath: assets.rendition }],
        thumbnailPath: assets.thumbnail,
        privacy: Privacy.PUBLIC,
        createdAt: timestampFromDate(new Date(now - 60_000 - (VIDEOS - v) * 1_000)),
      });
    const importRange = async (from: number, to: number, label: string) => {
      const batches: number[][] = [];
      for (let v = from; v < to; v += PER_REQUEST) batches.push(Array.from({ length: Math.min(PER_REQUEST, to - v) }, (_, k) => v + k));
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          for (let b = next++; b < batches.length; b = next++) {
            const res = await videos.importVideos({ requestId: `imp-${tag}-${label}-${b}`, videos: batches[b]!.map(item) }, auth);
            const failed = res.results.find((r) => r.errorCode);
            if (failed) throw new Error(`ImportVideos: ${res.failedCount} failed, e.g. ${failed.errorCode}: ${failed.errorMessage}`);
          }
        }),
      );
    };

    // The accounts' own events are not part of the measurement.
    await caughtUp(baseUrl);
    const cpu0 = await cpuSeconds(child.pid!);
    const t0 = performance.now();
    // The videos that bring the sounds first: the rest name those sounds.
    await importRange(0, SOUNDS, "origin");
    await importRange(SOUNDS, VIDEOS, "rest");
    const importedS = (performance.now() - t0) / 1000;
    console.error(`imported ${VIDEOS} videos in ${importedS.toFixed(1)} s; waiting for the projections`);

    const caughtUpAt = new Map<string, number>();
    let names: string[] = [];
    for (;;) {
      const statuses = (await (await fetch(`${baseUrl}/debug/projections`)).json()) as { name: string; caughtUp: boolean; lastError?: string }[];
      names = statuses.map((s) => s.name);
      const t = (performance.now() - t0) / 1000;
      for (const s of statuses) if (s.caughtUp && !caughtUpAt.has(s.name)) caughtUpAt.set(s.name, t);
      for (const s of statuses) if (!s.caughtUp) caughtUpAt.delete(s.name);
      if (statuses.every((s) => s.caughtUp)) break;
      if (t > 900) throw new Error(`projections still behind after 900 s: ${statuses.filter((s) => !s.caughtUp).map((s) => `${s.name} ${s.lastError ?? ""}`).join(", ")}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const totalS = Math.max(...caughtUpAt.values());
    // CPU the server spent, a figure that shared machines disturb less than wall time.
    const serverCpuS = (await cpuSeconds(child.pid!)) - cpu0;
    const byTime = [...names].sort((a, b) => caughtUpAt.get(b)! - caughtUpAt.get(a)!);
    const rows: Row[] = [
      { what: `ImportVideos of ${VIDEOS.toLocaleString("en-US")} (all answered)`, seconds: round(importedS) },
      ...byTime.slice(0, 8).map((n) => ({ what: `projection ${n} caught up`, seconds: round(caughtUpAt.get(n)!) })),
      { what: "everything caught up", seconds: round(totalS) },
      { what: "server CPU (user + system) until then", seconds: round(serverCpuS) },
    ];
    printTable(`Bulk import, ${profile} profile${process.env.BENCH_SERVICES ? ` (${process.env.BENCH_SERVICES})` : ""}: ${VIDEOS} videos by ${CREATORS} creators, ${SOUNDS} original sounds, ${PER_REQUEST} per request, ${IN_FLIGHT} in flight (seconds from the first request)`, rows);
    printJson({
      bench: "import",
      profile,
      videos: VIDEOS,
      importSeconds: round(importedS),
      caughtUpSeconds: round(totalS),
      serverCpuSeconds: round(serverCpuS),
      loadAverage: loadavg()[0],
      projections: Object.fromEntries(byTime.map((n) => [n, round(caughtUpAt.get(n)!)])),
    });
  } finally {
    if (child && child.exitCode === null) {
      child.stdin!.end();
      await new Promise((r) => child!.once("exit", r));
    }
    await rm(blobDir, { recursive: true, force: true });
  }
}

/** utime + stime of a process (Linux /proc; clock ticks of 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function caughtUp(baseUrl: string): Promise<void> {
  for (;;) {
    const statuses = (await (await fetch(`${baseUrl}/debug/projections`)).json()) as { caughtUp: boolean }[];
    if (statuses.every((s) => s.caughtUp)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startServer(profile: string, blobDir: string, adminName: string): Promise<{ child: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLICK_PROFILE: profile,
    FLICK_ADMINS: adminName,
    FLICK_MEDIA_BLOB_DIR: blobDir,
    FLICK_SCRYPT_LOG_N: "10",
    FLICK_ACCESS_TOKEN_TTL_SECONDS: "86400",
    FLICK_DEMO: "0",
  };
  if (profile === "embedded") env.FLICK_DATA_DIR ??= "memory://";
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--server"], { env, stdio: ["pipe", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const m = /^IMPORT_BENCH_URL=(.+)$/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  return { child, url };
}

