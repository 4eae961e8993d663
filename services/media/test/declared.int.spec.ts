// InitUpload's declaration against the file: within tolerance it passes, beyond it the
// upload is refused as METADATA_MISMATCH with what was declared and what was found.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultLimits } from "../src/config.js";
import { checkDeclared, type DeclaredMedia } from "../src/probe/declared.js";
import { MediaRejectedError } from "../src/probe/errors.js";
import { validateSource, type ValidatedSource } from "../src/probe/validate.js";
import { makeClip, tempDir } from "./support/clips.js";

let cleanup: () => Promise<void>;
let source: ValidatedSource;
let size: number;

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  // 4 s at 180×320.
  const path = await makeClip(join(t.dir, "clip.mp4"), { durationSec: 4 });
  source = await validateSource(path, defaultLimits);
  size = (await stat(path)).size;
});
afterAll(() => cleanup());

const refusal = (declared: DeclaredMedia, received = size) => {
  try {
    checkDeclared(declared, source, received);
  } catch (e) {
    expect(e).toBeInstanceOf(MediaRejectedError);
    expect((e as MediaRejectedError).reason).toBe("METADATA_MISMATCH");
    return (e as MediaRejectedError).userMessage;
  }
  return undefined;
};

describe("declared metadata", () => {
  it("accepts a file that is what was declared, within the tolerances", () => {
    expect(refusal({ sizeBytes: size, durationMs: 4000, width: 180, height: 320 })).toBeUndefined();
    // Editor durations, coded sizes padded to 16, a rotated recording's stored size, nothing declared.
    expect(refusal({ durationMs: 4900, width: 176, height: 336 })).toBeUndefined();
    expect(refusal({ width: 320, height: 180 })).toBeUndefined();
    expect(refusal({})).toBeUndefined();
  });

  it("refuses a different size, duration or frame size, saying which and how", () => {
    expect(refusal({ sizeBytes: size * 2 })).toMatch(new RegExp(`size you declared \\(${size * 2} bytes\\) does not match the file \\(${size} bytes\\)`));
    expect(refusal({ sizeBytes: size }, Math.floor(size * 0.95))).toMatch(/size you declared/);
    expect(refusal({ sizeBytes: size }, size - Math.floor(size * 0.005))).toBeUndefined();
    expect(refusal({ durationMs: 10_000 })).toMatch(/duration you declared \(10\.0 s\) does not match the file \(4\.0 s\)/);
    expect(refusal({ width: 720, height: 1280 })).toMatch(/frame size you declared \(720×1280\) does not match the file \(180×320\)/);
  });
});
