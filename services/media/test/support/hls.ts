// Reading an HLS package back the way a player would, with an independent parser.
import { readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Parser, type Manifest } from "m3u8-parser";
import { runFfprobe } from "../../src/ffmpeg/ffmpeg.js";
import { decodesCleanly } from "./clips.js";

export async function parseM3u8(path: string): Promise<Manifest> {
  const p = new Parser();
  p.push(await readFile(path, "utf8"));
  p.end();
  return p.manifest;
}

export interface SegmentFacts {
  uri: string;
  durationSec: number;
  bytes: number;
}

export async function segmentsOf(playlist: string): Promise<{ manifest: Manifest; segments: SegmentFacts[]; init: string }> {
  const manifest = await parseM3u8(playlist);
  const dir = dirname(playlist);
  const segments = await Promise.all(
    manifest.segments.map(async (s) => ({ uri: join(dir, s.uri), durationSec: s.duration, bytes: (await stat(join(dir, s.uri))).size })),
  );
  const init = join(dir, manifest.segments[0]?.map?.uri ?? "init.mp4");
  return { manifest, segments, init };
}

/** Peak over whole segments (≥ half the target duration, as RFC 8216 counts them). */
export function peakBps(segments: SegmentFacts[], target: number): number {
  return Math.max(...segments.filter((s) => s.durationSec >= target / 2).map((s) => (s.bytes * 8) / s.durationSec));
}

/** Each segment on its own (after its init segment) decodes, and starts on a keyframe. */
export async function checkSegments(init: string, segments: SegmentFacts[], scratch: string, video = true): Promise<void> {
  const initBytes = await readFile(init);
  for (const s of segments) {
    const joined = join(scratch, `seg-${Math.random().toString(36).slice(2)}.mp4`);
    await writeFile(joined, Buffer.concat([initBytes, await readFile(s.uri)]));
    await decodesCleanly(joined);
    if (!video) continue;
    const first = await runFfprobe(["-select_streams", "v:0", "-show_entries", "frame=key_frame", "-read_intervals", "%+#1", "-of", "csv=p=0", joined]);
    if (first.trim().split("\n")[0]?.split(",")[0] !== "1") throw new Error(`${s.uri} does not start with a keyframe`);
  }
}

export async function joinInitAndFirst(init: string, first: string, out: string): Promise<string> {
  await writeFile(out, Buffer.concat([await readFile(init), await readFile(first)]));
  return out;
}
