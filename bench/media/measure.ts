// Measuring ffmpeg children: CPU from the kernel's count of reaped children, memory by
// sampling /proc, and SSIM with ffmpeg's own filter.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { runFfmpeg } from "@flick/media";

/** ffmpeg run by hand with the given arguments, as an operator would type it. */
export function bareFfmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn("ffmpeg", ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", ...args], { stdio: ["ignore", "ignore", "inherit"] });
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`))));
  });
}

/**
 * User + system CPU of this process's children that have exited (cutime + cstime in
 * /proc/self/stat): exact for everything the bench and the pipeline spawned, concurrent
 * children included.
 */
export function cpuSecondsOfChildren(): number {
  const s = readFileSync("/proc/self/stat", "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  // Fields 16 and 17 (cutime, cstime) are at 13 and 14 after "state"; clock ticks of 1/100 s.
  return (Number(f[13]) + Number(f[14])) / 100;
}

/** Peak of the summed resident memory of all live children, sampled every 100 ms. */
export class RssSampler {
  private peak = 0;
  private timer = setInterval(() => this.sample(), 100);

  private sample() {
    let total = 0;
    for (const task of readdirSync(`/proc/${process.pid}/task`)) {
      let kids = "";
      try {
        kids = readFileSync(`/proc/${process.pid}/task/${task}/children`, "utf8");
      } catch {
        continue;
      }
      for (const pid of kids.trim().split(/\s+/).filter(Boolean)) {
        try {
          const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
          if (m) total += Number(m[1]) * 1024;
        } catch {
          // exited between listing and reading
        }
      }
    }
    this.peak = Math.max(this.peak, total);
  }

  peakMb(): number {
    return this.peak / 1024 / 1024;
  }

  stop() {
    clearInterval(this.timer);
  }
}

/** SSIM of a rendition against the source scaled to the rendition's size. */
export async function ssim(rendition: string, source: string, width: number, height: number, seconds?: number): Promise<{ all: number; db: number }> {
  const r = await runFfmpeg([
    "-i", rendition,
    "-i", source,
    ...(seconds ? ["-t", String(seconds)] : []),
    "-filter_complex", `[1:v]scale=${width}:${height}:flags=bicubic,format=yuv420p[ref];[0:v]format=yuv420p[enc];[enc][ref]ssim`,
    "-f", "null", "-",
    "-loglevel", "info",
  ]);
  const m = /All:([\d.]+) \(([\d.]+|inf)\)/.exec(r.stderrTail);
  if (!m) throw new Error(`no SSIM in ffmpeg output: ${r.stderrTail.slice(-500)}`);
  return { all: Number(m[1]), db: m[2] === "inf" ? Infinity : Number(m[2]) };
}
