// Each effect rendered on its own and checked the way a viewer would notice: length,
// size, streams, and a few pixels.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../src/ffmpeg/ffmpeg.js";
import { MediaRejectedError } from "../src/probe/errors.js";
import { probeMedia } from "../src/probe/probe.js";
import { atempoChain } from "../src/effects/speed.js";
import { probeEffectAssets, renderEffects } from "../src/effects/render.js";
import type { EffectsSpec } from "../src/effects/spec.js";
import type { SourceRef } from "../src/effects/graph.js";
import { buildEffectGraph } from "../src/effects/graph.js";
import { ffprobeJson, makeClip, pixelAt, tempDir } from "./support/clips.js";

let dir: string;
let cleanup: () => Promise<void>;
let upload: SourceRef;
let original: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const path = await makeClip(join(dir, "upload.mp4"));
  const info = await probeMedia(path);
  upload = { path, info, durationSec: info.durationSec! };
  original = await makeClip(join(dir, "original.mp4"), { durationSec: 4 });
});
afterAll(() => cleanup());

async function render(name: string, spec: EffectsSpec, source = upload) {
  const out = join(dir, `${name}.mp4`);
  const assets = await probeEffectAssets(spec);
  await renderEffects(source, spec, assets, out);
  const facts = await ffprobeJson(out);
  const v = facts.streams.find((s) => s.codec_type === "video")!;
  const a = facts.streams.find((s) => s.codec_type === "audio");
  return { out, duration: Number(facts.format.duration), v, a, streams: facts.streams };
}

async function streamDurations(path: string): Promise<number[]> {
  const f = JSON.parse(
    await (await import("../src/ffmpeg/ffmpeg.js")).runFfprobe(["-print_format", "json", "-show_entries", "stream=duration", path]),
  ) as { streams: { duration: string }[] };
  return f.streams.map((s) => Number(s.duration));
}

async function meanVolumeDb(path: string, before?: string): Promise<number> {
  const r = await runFfmpeg(["-i", path, "-map", "0:a:0", "-af", before ? `${before},volumedetect` : "volumedetect", "-f", "null", "-", "-loglevel", "info"]);
  const m = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(r.stderrTail);
  if (!m) throw new Error(`no volumedetect output in ${r.stderrTail}`);
  return m[1] === "-inf" ? -Infinity : Number(m[1]);
}

/** Mean saturation and the 10th/90th luma percentiles of the frame at 1 s (ffmpeg's signalstats). */
async function frameStats(path: string): Promise<{ saturation: number; lumaLow: number; lumaHigh: number }> {
  const r = await runFfmpeg(["-i", path, "-ss", "1", "-frames:v", "1", "-vf", "signalstats,metadata=print", "-f", "null", "-", "-loglevel", "info"]);
  const value = (key: string) => {
    const m = new RegExp(`lavfi\\.signalstats\\.${key}=([\\d.]+)`).exec(r.stderrTail);
    if (!m) throw new Error(`no ${key} in ${r.stderrTail}`);
    return Number(m[1]);
  };
  return { saturation: value("SATAVG"), lumaLow: value("YLOW"), lumaHigh: value("YHIGH") };
}

describe("speed", () => {
  it("splits atempo factors into the 0.5–2 range", () => {
    expect(atempoChain(3)).toEqual(["atempo=2", "atempo=1.5"]);
    expect(atempoChain(0.5)).toEqual(["atempo=0.5"]);
    expect(atempoChain(2)).toEqual(["atempo=2"]);
  });

  it.each([
    [2, 1.5],
    [0.5, 6],
    [3, 1],
  ] as const)("%s× turns a 3 s clip into %s s, sound in sync", async (speed, expected) => {
    const r = await render(`speed-${speed}`, { speed });
    expect(r.duration).toBeCloseTo(expected, 1);
    const [vd, ad] = await streamDurations(r.out);
    expect(Math.abs(vd! - expected)).toBeLessThan(0.1);
    expect(Math.abs(ad! - expected)).toBeLessThan(0.1);
    expect(r.v.avg_frame_rate).toBe("30/1");
  });
});

describe("colour filters", () => {
  it("mono leaves no colour", async () => {
    const r = await render("mono", { color: "mono" });
    for (const [x, y] of [[20, 20], [90, 160], [150, 300]] as const) {
      const [red, g, b] = await pixelAt(r.out, 1, x, y, dir);
      expect(Math.max(red, g, b) - Math.min(red, g, b)).toBeLessThan(12);
    }
  });

  it("warm is redder than cool", async () => {
    const warm = await render("warm", { color: "warm" });
    const cool = await render("cool", { color: "cool" });
    const [wr, , wb] = await pixelAt(warm.out, 1, 90, 160, dir);
    const [cr, , cb] = await pixelAt(cool.out, 1, 90, 160, dir);
    expect(wr - wb).toBeGreaterThan(cr - cb);
  });

  it("fade mutes colour and contrast and lifts the blacks", async () => {
    const faded = await frameStats((await render("fade", { color: "fade" })).out);
    const plain = await frameStats(upload.path);
    expect(faded.saturation).toBeLessThan(plain.saturation * 0.8);
    expect(faded.lumaHigh - faded.lumaLow).toBeLessThan((plain.lumaHigh - plain.lumaLow) * 0.9);
    expect(faded.lumaLow).toBeGreaterThan(plain.lumaLow);
  });

  it.each(["vivid", "vintage", "fade"] as const)("%s renders at the upload's size and length", async (color) => {
    const r = await render(color, { color });
    expect([r.v.width, r.v.height]).toEqual([180, 320]);
    expect(r.duration).toBeCloseTo(3, 1);
  });
});

describe("green screen", () => {
  it("replaces the green background with the uploaded picture", async () => {
    const green = join(dir, "green.mp4");
    await runFfmpeg([
      "-f", "lavfi", "-i", "color=c=0x00FF00:s=180x320:r=30:d=3[bg];testsrc2=s=60x60:r=30:d=3[fg];[bg][fg]overlay=60:130[out0]",
      "-f", "lavfi", "-i", "sine=d=3",
      "-c:v", "libx264", "-preset", "ultrafast", "-crf", "10", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", green,
    ]);
    const bg = join(dir, "beach.png");
    await runFfmpeg(["-f", "lavfi", "-i", "color=c=0xC03020:s=400x400", "-frames:v", "1", bg]);
    const info = await probeMedia(green);
    const r = await render("greenscreen", { greenScreen: { background: bg } }, { path: green, info, durationSec: info.durationSec! });
    expect([r.v.width, r.v.height]).toEqual([180, 320]);
    expect(r.duration).toBeCloseTo(3, 1);
    const [red, g, b] = await pixelAt(r.out, 1.5, 10, 10, dir);
    expect(red).toBeGreaterThan(150);
    expect(g).toBeLessThan(100);
    expect(b).toBeLessThan(100);
    // The foreground (the test pattern in the middle) is kept: not the background colour.
    const [fr, fg] = await pixelAt(r.out, 1.5, 90, 160, dir);
    expect(Math.abs(fr - 192) + Math.abs(fg - 48)).toBeGreaterThan(40);
  });
});

describe("duet", () => {
  it("puts the original beside the upload: twice as wide, the upload's length, both sounds", async () => {
    const r = await render("duet", { duet: { source: original } });
    expect(r.v.width).toBe(360);
    expect(r.v.height).toBe(320);
    expect(r.duration).toBeCloseTo(3, 1);
    expect(r.a?.channels).toBe(2);
  });
});

describe("stitch", () => {
  it("plays the borrowed range, then the upload: duration adds up, size matches", async () => {
    const r = await render("stitch", { stitch: { source: original, clipStartSec: 1, clipEndSec: 3 } });
    expect([r.v.width, r.v.height]).toEqual([180, 320]);
    expect(r.duration).toBeCloseTo(5, 1);
    const [vd, ad] = await streamDurations(r.out);
    expect(Math.abs(vd! - ad!)).toBeLessThan(0.1);
  });

  it("refuses to borrow more than 5 s", async () => {
    const long = await makeClip(join(dir, "long.mp4"), { durationSec: 8 });
    const assets = await probeEffectAssets({ stitch: { source: long, clipStartSec: 0, clipEndSec: 6 } });
    expect(() => buildEffectGraph(upload, { stitch: { source: long, clipStartSec: 0, clipEndSec: 6 } }, assets)).toThrow(MediaRejectedError);
  });
});

describe("use this sound", () => {
  it("replaces the soundtrack with the library sound, looped to the video's length", async () => {
    const hush = join(dir, "hush.m4a");
    await runFfmpeg(["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "1", "-c:a", "aac", hush]);
    expect(await meanVolumeDb(upload.path)).toBeGreaterThan(-40);
    const r = await render("sound", { sound: { path: hush } });
    const [vd, ad] = await streamDurations(r.out);
    expect(Math.abs(ad! - vd!)).toBeLessThan(0.1);
    expect(await meanVolumeDb(r.out)).toBeLessThan(-60);
  });

  it("keeps the recording's sound under the library sound when asked: one stream, both heard", async () => {
    // The upload's sound is a 440 Hz tone; the track a 1000 Hz one: each band tells its source.
    const track = join(dir, "track-1k.m4a");
    await runFfmpeg(["-f", "lavfi", "-i", "sine=f=1000:sample_rate=48000:d=2", "-ac", "2", "-c:a", "aac", track]);
    const replaced = await render("sound-replace", { sound: { path: track } });
    const mixed = await render("sound-mix", { sound: { path: track, keepOriginal: true } });
    expect(mixed.streams.filter((x) => x.codec_type === "audio")).toHaveLength(1);
    const [vd, ad] = await streamDurations(mixed.out);
    expect(Math.abs(ad! - vd!)).toBeLessThan(0.1);
    const band = (path: string, hz: number) => meanVolumeDb(path, `bandpass=f=${hz}:width_type=q:w=8`);
    // The recording: gone when replaced, clearly there when kept.
    // (A two-pole band-pass lets some of the other tone through: compare, do not expect silence.)
    const [own, ownReplaced, ownMixed] = [await band(upload.path, 440), await band(replaced.out, 440), await band(mixed.out, 440)];
    // The recording: some 20 dB down when replaced, within a few dB of the upload when kept.
    expect(ownMixed).toBeGreaterThan(ownReplaced + 15);
    expect(ownMixed).toBeGreaterThan(own - 8);
    // The track: there either way, a little lower in the mix.
    expect(await band(mixed.out, 1000)).toBeGreaterThan((await band(replaced.out, 1000)) - 8);
  });
});

describe("validation", () => {
  it("refuses unknown speeds and filters, and duet + stitch together", () => {
    expect(() => buildEffectGraph(upload, { speed: 4 as never })).toThrow(/Speed/);
    expect(() => buildEffectGraph(upload, { color: "sepia" as never })).toThrow(/filter/);
    expect(() => buildEffectGraph(upload, { duet: { source: "x" }, stitch: { source: "x", clipStartSec: 0, clipEndSec: 1 } })).toThrow(/duet or a stitch/);
  });
});
