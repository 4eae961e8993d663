// The bench's source clips, made once with lavfi and cached: 60 s, 1080×1920, 30 fps,
// hard to encode on purpose — a Mandelbrot zoom (fine detail in constant motion), a
// moving test pattern on top, and temporal film grain everywhere — with a busy soundtrack.
import { existsSync } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFfmpeg } from "@flick/media";

export const CACHE_DIR = process.env.FLICK_BENCH_MEDIA_CACHE ?? join(tmpdir(), "flick-bench-media");
export const DURATION_SEC = Number(process.env.FLICK_BENCH_MEDIA_SECONDS ?? 60);

/** The recipe, as one lavfi graph (committed so anyone can regenerate the same clip). */
export function hardClipGraph(durationSec = DURATION_SEC): string {
  return [
    `mandelbrot=s=540x960:r=30:start_scale=3:end_scale=0.0002:end_pts=${durationSec}:maxiter=400[m]`,
    `testsrc2=s=360x360:r=30[t]`,
    `[m]scale=1080:1920:flags=bicubic[big]`,
    // The pattern drifts across the frame so the encoder must track two motions.
    `[big][t]overlay=x='(W-w)/2+(W-w)/2*sin(t*0.7)':y='(H-h)/2+(H-h)/2*cos(t*0.5)'[o]`,
    `[o]noise=alls=12:allf=t,format=yuv420p[out0]`,
  ].join(";");
}

const AUDIO = (d: number) => `sine=f=220:sample_rate=48000:d=${d}[s];anoisesrc=a=0.05:r=48000:d=${d}[n];[s][n]amix=inputs=2[out0]`;

async function once(path: string, make: (tmp: string) => Promise<unknown>): Promise<string> {
  if (existsSync(path)) return path;
  const tmp = `${path}.part${path.slice(path.lastIndexOf("."))}`;
  await make(tmp);
  await rename(tmp, path);
  return path;
}

/** What a phone would upload: H.264 High, AAC, 1 s keyframes, generous bitrate. */
export async function h264Upload(): Promise<string> {
  await mkdir(CACHE_DIR, { recursive: true });
  const d = DURATION_SEC;
  return once(join(CACHE_DIR, `hard-${d}s-h264.mp4`), (tmp) =>
    runFfmpeg([
      "-f", "lavfi", "-i", hardClipGraph(d),
      "-f", "lavfi", "-i", AUDIO(d),
      "-t", String(d),
      "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-maxrate", "16M", "-bufsize", "32M", "-g", "30", "-pix_fmt", "yuv420p",
      "-c:a", "aac", "-b:a", "160k",
      "-movflags", "+faststart", tmp,
    ]),
  );
}

/** The same clip as 10-bit HEVC with Opus in Matroska: every stream must be re-encoded. */
export async function hevc10Upload(): Promise<string> {
  const src = await h264Upload();
  return once(join(CACHE_DIR, `hard-${DURATION_SEC}s-hevc10.mkv`), (tmp) =>
    runFfmpeg([
      "-i", src,
      "-c:v", "libx265", "-preset", "ultrafast", "-crf", "20", "-pix_fmt", "yuv420p10le", "-x265-params", "log-level=error",
      "-c:a", "libopus", "-b:a", "128k",
      tmp,
    ]),
  );
}
