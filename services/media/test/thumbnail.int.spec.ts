// The cover frame: taken at the moment the creator chose (in the published video's
// timeline, so after speed changes), 1 s by default, clamped to the video's length.
// The clip is black for 2 s and then white, so the frame's brightness tells the moment.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeEffectAssets } from "../src/effects/render.js";
import type { EffectsSpec } from "../src/effects/spec.js";
import type { SourceRef } from "../src/effects/graph.js";
import { runFfmpeg } from "../src/ffmpeg/ffmpeg.js";
import { ladderCommand, thumbnailCommand, thumbnailTime, type ThumbnailOptions } from "../src/hls/commands.js";
import { probeMedia } from "../src/probe/probe.js";
import { makeClip, pixelAt, tempDir } from "./support/clips.js";

let dir: string;
let cleanup: () => Promise<void>;
let source: SourceRef;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const path = await makeClip(join(dir, "black-then-white.mp4"), {
    durationSec: 4,
    source: "color=c=black:s=180x320:r=30:d=2[a];color=c=white:s=180x320:r=30:d=2[b];[a][b]concat=n=2:v=1:a=0",
  });
  const info = await probeMedia(path);
  source = { path, info, durationSec: info.durationSec! };
});
afterAll(() => cleanup());

let n = 0;
/** Brightness (0–255) of the cover's centre. */
async function coverBrightness(spec: EffectsSpec, options: ThumbnailOptions): Promise<number> {
  const out = join(dir, `thumb-${n++}.jpg`);
  const assets = await probeEffectAssets(spec);
  const outputDurationSec = ladderCommand(source, spec, assets, join(dir, `ladder-${n}`), {}).durationSec;
  await runFfmpeg(thumbnailCommand(source, spec, assets, out, "jpeg", { ...options, outputDurationSec }).args);
  const [r, g, b] = await pixelAt(out, 0, 360, 640, dir);
  return (r + g + b) / 3;
}

describe("thumbnail offset", () => {
  it("defaults to 1 s (and half way into clips shorter than 2 s)", () => {
    expect(thumbnailTime(30)).toBe(1);
    expect(thumbnailTime(1.2)).toBeCloseTo(0.6);
  });

  it("takes the frame at the chosen moment", async () => {
    expect(await coverBrightness({}, {})).toBeLessThan(40);
    expect(await coverBrightness({}, { atSec: 3 })).toBeGreaterThan(215);
    expect(await coverBrightness({}, { atSec: 0.5 })).toBeLessThan(40);
  });

  it("clamps a moment past the end to the last frame", async () => {
    expect(thumbnailTime(4, 60)).toBeCloseTo(3.9);
    expect(await coverBrightness({}, { atSec: 60 })).toBeGreaterThan(215);
  });

  it("counts the moment in the published timeline: at 2× speed, 1.5 s is the upload's 3 s", async () => {
    expect(await coverBrightness({ speed: 2 }, { atSec: 1.5 })).toBeGreaterThan(215);
    expect(await coverBrightness({ speed: 2 }, { atSec: 0.5 })).toBeLessThan(40);
    // 3 s is past the 2 s the sped-up video lasts: its last frame.
    expect(await coverBrightness({ speed: 2 }, { atSec: 3 })).toBeGreaterThan(215);
  });
});
