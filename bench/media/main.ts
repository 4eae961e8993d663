// bench:media — the media pipeline against bare ffmpeg running exactly the same
// arguments, on a hard 60 s 1080×1920 clip, as H.264/AAC (stream-copy path) and as 10-bit
// HEVC/Opus (preview path). Prints a table, then a last line of JSON.
//
//   npm run bench:media        (first run makes the clips: several minutes, cached after)
//
// Env: FLICK_BENCH_MEDIA_CACHE (clip cache dir), FLICK_BENCH_MEDIA_SECONDS (clip length),
// FLICK_BENCH_SSIM_SECONDS (how much of each rung SSIM compares, default all),
// FLICK_BENCH_MEDIA_ROUNDS (alternating bare/pipeline rounds, best kept; default 2),
// FLICK_MEDIA_PRESETS (per-rung preset overrides, as in production).
import { availableParallelism, loadavg } from "node:os";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  copyCommand,
  defaultLimits,
  ladderCommand,
  loadMediaConfig,
  previewCommand,
  processVideo,
  validateSource,
  type MediaManifest,
  type SourceRef,
} from "@flick/media";
import { printJson, printTable, type Row } from "../lib/report.js";
import { bareFfmpeg, cpuSecondsOfChildren, RssSampler, ssim } from "./measure.js";
import { CACHE_DIR, DURATION_SEC, h264Upload, hevc10Upload } from "./source.js";

const ROUNDS = Number(process.env.FLICK_BENCH_MEDIA_ROUNDS ?? 2);
const TARGETS = { firstPlayableH264Sec: 5, firstPlayableOtherSec: 10, allRenditionsSec: 60, overheadPct: 10 };
const config = loadMediaConfig();
const presets = config.presets;

interface Run {
  wallSec: number;
  cpuSec: number;
  peakRssMb: number;
}

async function measured<T>(fn: () => Promise<T>): Promise<Run & { value: T }> {
  const sampler = new RssSampler();
  const cpu0 = cpuSecondsOfChildren();
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, wallSec: (performance.now() - t0) / 1000, cpuSec: cpuSecondsOfChildren() - cpu0, peakRssMb: sampler.peakMb() };
  } finally {
    sampler.stop();
  }
}

async function bareRun(source: SourceRef, kind: "copy" | "preview", outDir: string) {
  await rm(outDir, { recursive: true, force: true });
  const first = kind === "copy" ? copyCommand(source, outDir) : previewCommand(source, {}, {}, outDir);
  const ladder = ladderCommand(source, {}, {}, outDir, { presets, threads: config.x264Threads });
  for (const d of [first.dir, ...ladder.rungs.map((r) => r.dir), ladder.audioDir]) await mkdir(d, { recursive: true });
  const f = await measured(() => bareFfmpeg(first.args));
  const l = await measured(() => bareFfmpeg(ladder.args));
  return { first: f, ladder: l, rungs: ladder.rungs.map((r) => `${r.rung.name}:${r.rung.preset}`) };
}

async function pipelineRun(input: string, outDir: string) {
  await rm(outDir, { recursive: true, force: true });
  return measured(() => processVideo({ input, outDir, presets, threads: config.x264Threads }));
}

async function main() {
  const load = loadavg()[0]!;
  const loadSamples: number[] = [];
  const loadTimer = setInterval(() => loadSamples.push(loadavg()[0]!), 5000);
  loadTimer.unref();
  if (load > 0.7) console.error(`note: load average is ${load.toFixed(2)} on ${DURATION_SEC} s clips — other work on this machine skews timings`);
  console.error(`clips in ${CACHE_DIR} (made once; the first run takes minutes)`);
  const h264 = await h264Upload();
  const hevc = await hevc10Upload();
  const work = join(CACHE_DIR, "work");

  const rows: Row[] = [];
  const figures: Record<string, unknown> = { clip: { seconds: DURATION_SEC, size: "1080x1920", fps: 30 }, targets: TARGETS, loadAverageAtStart: +load.toFixed(2) };
  let h264Manifest: MediaManifest | undefined;

  for (const [name, input, kind] of [["H.264/AAC", h264, "copy"], ["HEVC 10-bit/Opus", hevc, "preview"]] as const) {
    const v = await validateSource(input, defaultLimits);
    const source: SourceRef = { path: input, info: v.info, durationSec: v.info.durationSec };
    // Rounds alternate bare and pipeline and keep each one's fastest: on a shared machine
    // the fastest run is the one least disturbed by other work. CPU seconds barely move.
    let bare: Awaited<ReturnType<typeof bareRun>> | undefined;
    let pipe: Awaited<ReturnType<typeof pipelineRun>> | undefined;
    for (let round = 1; round <= ROUNDS; round++) {
      console.error(`${name}: bare ffmpeg (round ${round}/${ROUNDS})…`);
      const b = await bareRun(source, kind, join(work, `bare-${kind}`));
      if (!bare || b.first.wallSec + b.ladder.wallSec < bare.first.wallSec + bare.ladder.wallSec) bare = b;
      console.error(`${name}: pipeline (round ${round}/${ROUNDS})…`);
      const p = await pipelineRun(input, join(work, `pipe-${kind}`));
      if (!pipe || p.wallSec < pipe.wallSec) pipe = p;
    }
    if (!bare || !pipe) throw new Error("no rounds");
    const m = pipe.value;
    if (kind === "copy") h264Manifest = m;
    const bareTotal = bare.first.wallSec + bare.ladder.wallSec;
    const firstSec = m.firstPlayable.atMs / 1000;
    const overheadPct = (pipe.wallSec / bareTotal - 1) * 100;
    const bareCpu = bare.first.cpuSec + bare.ladder.cpuSec;
    rows.push(
      { upload: name, step: `first playable (${m.firstPlayable.kind})`, "pipeline s": firstSec, "bare ffmpeg s": bare.first.wallSec, ratio: firstSec / bare.first.wallSec, "CPU s": bare.first.cpuSec, "peak RSS MB": bare.first.peakRssMb, target: `< ${kind === "copy" ? TARGETS.firstPlayableH264Sec : TARGETS.firstPlayableOtherSec} s` },
      { upload: name, step: `ladder ${bare.rungs.join(" ")}`, "pipeline s": m.timings.ladderMs / 1000, "bare ffmpeg s": bare.ladder.wallSec, ratio: m.timings.ladderMs / 1000 / bare.ladder.wallSec, "CPU s": bare.ladder.cpuSec, "peak RSS MB": bare.ladder.peakRssMb, target: "" },
      { upload: name, step: "all renditions, end to end", "pipeline s": pipe.wallSec, "bare ffmpeg s": bareTotal, ratio: pipe.wallSec / bareTotal, "CPU s": pipe.cpuSec, "peak RSS MB": pipe.peakRssMb, target: `< ${TARGETS.allRenditionsSec} s; overhead ≤ ${TARGETS.overheadPct} %` },
      { upload: name, step: "CPU: pipeline ÷ bare (load-independent overhead)", "pipeline s": "", "bare ffmpeg s": "", ratio: pipe.cpuSec / bareCpu, "CPU s": bareCpu, "peak RSS MB": "", target: "" },
    );
    figures[kind === "copy" ? "h264" : "hevc10"] = {
      firstPlayableSec: +firstSec.toFixed(3),
      firstPlayableKind: m.firstPlayable.kind,
      allRenditionsSec: +pipe.wallSec.toFixed(2),
      ladderSec: +(m.timings.ladderMs / 1000).toFixed(2),
      bare: { firstSec: +bare.first.wallSec.toFixed(3), ladderSec: +bare.ladder.wallSec.toFixed(2), totalSec: +bareTotal.toFixed(2), ladderCpuSec: +bare.ladder.cpuSec.toFixed(1) },
      overheadPct: +overheadPct.toFixed(1),
      cpuOverheadPct: +((pipe.cpuSec / bareCpu - 1) * 100).toFixed(1),
      pipelineCpuSec: +pipe.cpuSec.toFixed(1),
      pipelinePeakRssMb: Math.round(pipe.peakRssMb),
      rungs: bare.rungs,
      renditions: m.renditions.map((r) => ({ name: r.name, bandwidth: r.bandwidth, averageBandwidth: r.averageBandwidth, codecs: r.codecs })),
      meets: {
        firstPlayable: firstSec < (kind === "copy" ? TARGETS.firstPlayableH264Sec : TARGETS.firstPlayableOtherSec),
        allRenditions: pipe.wallSec < TARGETS.allRenditionsSec,
        overhead: overheadPct <= TARGETS.overheadPct,
      },
    };
  }
  // CPU s and peak RSS: of the bare command on the step rows, of the whole pipeline (all
  // its ffmpeg children; RSS summed over concurrent ones) on the end-to-end rows.
  printTable(`bench:media — ${DURATION_SEC} s 1080×1920 30 fps hard clip, ${process.env.FLICK_MEDIA_PRESETS ? `presets ${process.env.FLICK_MEDIA_PRESETS}` : "default presets"}`, rows);

  // Picture quality of each rung of the H.264 run against the source, scaled to the rung.
  console.error("SSIM per rung…");
  const ssimSeconds = process.env.FLICK_BENCH_SSIM_SECONDS ? Number(process.env.FLICK_BENCH_SSIM_SECONDS) : undefined;
  const quality: Row[] = [];
  const ssimFigures: Record<string, number> = {};
  for (const r of h264Manifest!.renditions) {
    const s = await ssim(join(work, "pipe-copy", r.playlist), h264, r.width, r.height, ssimSeconds);
    ssimFigures[r.name] = +s.all.toFixed(4);
    quality.push({ rung: `${r.width}x${r.height}`, "SSIM (All)": s.all, "SSIM dB": s.db, "BANDWIDTH kb/s": Math.round(r.bandwidth / 1000), "AVERAGE kb/s": Math.round(r.averageBandwidth / 1000) });
  }
  printTable(`picture quality vs source (SSIM over ${ssimSeconds ? `the first ${ssimSeconds} s` : "the whole clip"})`, quality);
  figures.ssim = ssimFigures;
  clearInterval(loadTimer);
  figures.meanLoadAverage = +(loadSamples.reduce((a, b) => a + b, 0) / Math.max(1, loadSamples.length)).toFixed(2);
  console.log(`\nrounds: ${ROUNDS} (best wall time kept); mean load average during the run: ${figures.meanLoadAverage} on ${availableParallelism()} cores`);
  printJson(figures);
}

await main();
