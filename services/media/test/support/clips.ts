// Test clips made on the spot with ffmpeg's lavfi sources (tiny: a few seconds, a few
// hundred pixels), so the suites need no fixtures in the repository.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFfmpeg } from "../../src/ffmpeg/ffmpeg.js";
import { runFfprobe } from "../../src/ffmpeg/ffmpeg.js";

export interface ClipOptions {
  width?: number;
  height?: number;
  durationSec?: number;
  fps?: number;
  /** Video source filter (default testsrc2: moving, coloured, cheap). */
  source?: string;
  videoArgs?: string[];
  /** false: no audio track. */
  audio?: boolean;
  audioArgs?: string[];
  /** Extra output options (metadata, movflags…). */
  outputArgs?: string[];
}

export async function makeClip(path: string, o: ClipOptions = {}): Promise<string> {
  const w = o.width ?? 180;
  const h = o.height ?? 320;
  const d = o.durationSec ?? 3;
  const fps = o.fps ?? 30;
  const src = o.source ?? `testsrc2=s=${w}x${h}:r=${fps}:d=${d}`;
  const args = ["-f", "lavfi", "-i", src];
  if (o.audio !== false) args.push("-f", "lavfi", "-i", `sine=f=440:sample_rate=48000:d=${d}`);
  args.push("-map", "0:v");
  if (o.audio !== false) args.push("-map", "1:a");
  args.push(...(o.videoArgs ?? ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "30"]));
  if (o.audio !== false) args.push(...(o.audioArgs ?? ["-c:a", "aac", "-b:a", "64k"]));
  args.push(...(o.outputArgs ?? []), "-t", String(d), path);
  await runFfmpeg(args);
  return path;
}

export async function tempDir(prefix = "flick-media-"): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface StreamFacts {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  profile?: string;
  level?: number;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  color_transfer?: string;
}

export async function ffprobeJson(path: string): Promise<{ format: { duration?: string; format_name: string }; streams: StreamFacts[] }> {
  return JSON.parse(await runFfprobe(["-print_format", "json", "-show_format", "-show_streams", path]));
}

/** Decodes a file fully; rejects with ffmpeg's errors if any frame fails. */
export async function decodesCleanly(path: string): Promise<void> {
  await runFfmpeg(["-xerror", "-i", path, "-f", "null", "-"]);
}

/** RGB of a pixel of the frame at time t (seconds); 2×2 crop since 4:2:0 cannot crop 1×1. */
export async function pixelAt(path: string, t: number, x: number, y: number, dir: string): Promise<[number, number, number]> {
  const out = join(dir, `px-${Math.random().toString(36).slice(2)}.rgb`);
  // Output-side -ss (decode from the start): ffmpeg 5.1 mis-seeks inside fMP4 HLS input.
  await runFfmpeg(["-i", path, "-ss", String(t), "-frames:v", "1", "-vf", `crop=2:2:${x - (x % 2)}:${y - (y % 2)},format=rgb24`, "-f", "rawvideo", out]);
  const { readFile } = await import("node:fs/promises");
  const b = await readFile(out);
  return [b[0]!, b[1]!, b[2]!];
}
