// Drives a server with h2load (Debian's nghttp2-client): one HTTP/2 connection, many
// concurrent streams. Per-request latencies come from h2load's --log-file.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { percentile } from "../lib/report.js";

export interface LoadResult {
  requests: number;
  ok: number;
  reqPerSec: number;
  p50ms: number;
  p99ms: number;
}

export function h2loadAvailable(): boolean {
  try {
    execFileSync("h2load", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

// Asynchronous on purpose: the servers under test may live in this same process.
export async function runH2load(opts: {
  url: string;
  body: Uint8Array;
  headers: Record<string, string>;
  requests: number;
  streams: number;
}): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "flick-h2load-"));
  try {
    const bodyFile = join(dir, "body");
    const logFile = join(dir, "log");
    writeFileSync(bodyFile, opts.body);
    const args = ["-n", String(opts.requests), "-c", "1", "-m", String(opts.streams), "-d", bodyFile, "--log-file", logFile];
    for (const [k, v] of Object.entries(opts.headers)) args.push("-H", `${k}: ${v}`);
    args.push(opts.url);
    const { stdout: out } = await promisify(execFile)("h2load", args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    const rate = /finished in [^,]+, ([\d.]+) req\/s/.exec(out);
    const lines = readFileSync(logFile, "utf8").trim().split("\n");
    const latencies: number[] = [];
    let ok = 0;
    for (const line of lines) {
      const [, status, micros] = line.split("\t");
      if (status === "200") ok++;
      latencies.push(Number(micros) / 1000);
    }
    return {
      requests: lines.length,
      ok,
      reqPerSec: rate ? Number(rate[1]) : NaN,
      p50ms: percentile(latencies, 50),
      p99ms: percentile(latencies, 99),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
