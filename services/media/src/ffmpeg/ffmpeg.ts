// The one place that starts ffmpeg/ffprobe. Everything else builds argument arrays and
// calls runFfmpeg/runFfprobe, so the wrapper can change without touching the pipeline.
// Why a thin spawn wrapper instead of fluent-ffmpeg: see services/media/README.md.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
}

/** Overridable per process with FLICK_FFMPEG / FLICK_FFPROBE (read once by config). */
export const defaultBinaries: FfmpegBinaries = {
  ffmpeg: process.env.FLICK_FFMPEG ?? "ffmpeg",
  ffprobe: process.env.FLICK_FFPROBE ?? "ffprobe",
};

export interface FfmpegProgress {
  /** Output time reached, seconds. */
  outTimeSec: number;
  /** outTimeSec / durationSec when the caller told us the expected duration. */
  ratio?: number;
  frame?: number;
  speed?: number;
  done: boolean;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Kill the process after this long; the promise rejects with FfmpegTimeoutError. */
  timeoutMs?: number;
  /** Expected output duration, so progress can be reported as a ratio. */
  durationSec?: number;
  onProgress?: (p: FfmpegProgress) => void;
  binaries?: FfmpegBinaries;
  cwd?: string;
}

export interface RunResult {
  elapsedMs: number;
  /** Last lines of stderr: warnings worth logging even on success. */
  stderrTail: string;
  /** High-water mark of the child's resident memory (Linux /proc), if it could be read. */
  peakRssBytes?: number;
}

/** ffmpeg ran and failed. `stderrTail` carries ffmpeg's own explanation. */
export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
    readonly args: readonly string[],
  ) {
    super(message);
    this.name = "FfmpegError";
  }
}

export class FfmpegTimeoutError extends FfmpegError {
  override name = "FfmpegTimeoutError";
}

const STDERR_TAIL_BYTES = 8 * 1024;

/**
 * Runs ffmpeg with `args` (never through a shell). Adds the flags every run needs:
 * no banner, no stdin (a worker has none, and ffmpeg would otherwise wait on 'q'),
 * overwrite, machine-readable progress on stdout, errors only on stderr.
 */
export function runFfmpeg(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const full = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats", "-progress", "pipe:1", ...args];
  return run((opts.binaries ?? defaultBinaries).ffmpeg, full, opts, (chunk, state) => {
    parseProgress(chunk, state, opts);
  }).then((r) => r.result);
}

/** Runs ffprobe and returns its stdout (callers ask for JSON with -print_format json). */
export async function runFfprobe(args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const full = ["-hide_banner", "-loglevel", "error", ...args];
  const { stdout } = await run((opts.binaries ?? defaultBinaries).ffprobe, full, opts, undefined, true);
  return stdout;
}

interface ProgressState {
  buffer: string;
  block: Record<string, string>;
}

function parseProgress(chunk: string, state: ProgressState, opts: RunOptions): void {
  // -progress writes key=value lines; each block ends with progress=continue|end.
  state.buffer += chunk;
  let nl: number;
  while ((nl = state.buffer.indexOf("\n")) >= 0) {
    const line = state.buffer.slice(0, nl).trim();
    state.buffer = state.buffer.slice(nl + 1);
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key !== "progress") {
      state.block[key] = value;
      continue;
    }
    const b = state.block;
    state.block = {};
    if (!opts.onProgress) continue;
    const us = Number(b.out_time_us ?? b.out_time_ms); // out_time_ms is microseconds too (ffmpeg quirk)
    const outTimeSec = Number.isFinite(us) && us > 0 ? us / 1e6 : 0;
    const speed = b.speed ? Number.parseFloat(b.speed) : undefined;
    const frame = b.frame ? Number(b.frame) : undefined;
    const done = value === "end";
    const p: FfmpegProgress = { outTimeSec, done };
    if (opts.durationSec && opts.durationSec > 0) p.ratio = done ? 1 : Math.min(1, outTimeSec / opts.durationSec);
    if (speed !== undefined && Number.isFinite(speed)) p.speed = speed;
    if (frame !== undefined && Number.isFinite(frame)) p.frame = frame;
    opts.onProgress(p);
  }
}

function run(
  bin: string,
  args: string[],
  opts: RunOptions,
  onStdout?: (chunk: string, state: ProgressState) => void,
  collectStdout = false,
): Promise<{ result: RunResult; stdout: string }> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(opts.signal.reason ?? new Error("aborted"));
      return;
    }
    const started = performance.now();
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], cwd: opts.cwd });
    let stderr = "";
    const out: string[] = [];
    const state: ProgressState = { buffer: "", block: {} };
    let peakRss: number | undefined;
    let timedOut = false;
    let settled = false;

    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (c: string) => {
      if (collectStdout) out.push(c);
      onStdout?.(c, state);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (c: string) => {
      stderr = (stderr + c).slice(-STDERR_TAIL_BYTES);
    });

    // Peak RSS: /proc/<pid>/status VmHWM is a high-water mark, so sampling it now and
    // then still finds the peak reached before the last sample.
    const sampleRss = () => {
      if (child.pid === undefined) return;
      readFile(`/proc/${child.pid}/status`, "utf8").then(
        (s) => {
          const m = /VmHWM:\s+(\d+) kB/.exec(s);
          if (m) peakRss = Math.max(peakRss ?? 0, Number(m[1]) * 1024);
        },
        () => undefined,
      );
    };
    // First look early (short runs), then every 100 ms.
    const rssTimer = process.platform === "linux" ? setInterval(sampleRss, 100) : undefined;
    rssTimer?.unref();
    if (rssTimer) setTimeout(sampleRss, 15).unref();

    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    const onAbort = () => kill();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            kill();
          }, opts.timeoutMs)
        : undefined;

    const finish = (err: Error | undefined, code: number | null, sig: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      if (rssTimer) clearInterval(rssTimer);
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      const tail = stderr.trim();
      if (err) {
        reject(new FfmpegError(`${bin} could not be started: ${err.message}`, null, null, tail, args));
      } else if (opts.signal?.aborted) {
        reject(opts.signal.reason ?? new Error("aborted"));
      } else if (timedOut) {
        reject(new FfmpegTimeoutError(`${bin} timed out after ${opts.timeoutMs} ms`, code, sig, tail, args));
      } else if (code !== 0) {
        const why = lastLine(tail) || (sig ? `killed by ${sig}` : `exit code ${code}`);
        reject(new FfmpegError(`${bin} failed: ${why}`, code, sig, tail, args));
      } else {
        const result: RunResult = { elapsedMs: performance.now() - started, stderrTail: tail };
        if (peakRss !== undefined) result.peakRssBytes = peakRss;
        resolve({ result, stdout: out.join("") });
      }
    };
    child.on("error", (e) => finish(e, null, null));
    child.on("close", (code, sig) => finish(undefined, code, sig));
  });
}

function lastLine(s: string): string {
  const lines = s.split("\n").filter((l) => l.trim() !== "");
  return lines.at(-1)?.trim() ?? "";
}
