// Tiny test clips made on the spot with ffmpeg's lavfi sources (no fixtures, no
// downloads): a few seconds at a few hundred pixels.
import { runFfmpeg } from "@flick/media";

export interface Clip {
  width?: number;
  height?: number;
  durationSec?: number;
  /** false: no audio track. */
  audio?: boolean;
  /** A lavfi video source; default testsrc2. */
  source?: string;
  tone?: number;
}

export async function makeClip(path: string, o: Clip = {}): Promise<string> {
  const w = o.width ?? 180;
  const h = o.height ?? 320;
  const d = o.durationSec ?? 3.5;
  const args = ["-y", "-f", "lavfi", "-i", o.source ?? `testsrc2=s=${w}x${h}:r=25:d=${d}`];
  if (o.audio !== false) args.push("-f", "lavfi", "-i", `sine=f=${o.tone ?? 440}:sample_rate=44100:d=${d}`);
  args.push("-map", "0:v", ...(o.audio !== false ? ["-map", "1:a"] : []));
  args.push("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25");
  if (o.audio !== false) args.push("-c:a", "aac", "-b:a", "48k");
  args.push("-movflags", "+faststart", "-t", String(d), path);
  await runFfmpeg(args);
  return path;
}

/** Decodes a file (or an HLS playlist, local or http) completely; rejects on any error. */
export async function decodes(input: string): Promise<void> {
  await runFfmpeg(["-v", "error", "-xerror", "-i", input, "-f", "null", "-"], { timeoutMs: 60_000 });
}
