// Every way an upload is refused before encoding, with the reason an uploader reads.
import { copyFile, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultLimits } from "../src/config.js";
import { runFfmpeg } from "../src/ffmpeg/ffmpeg.js";
import { MediaRejectedError, type RejectReason } from "../src/probe/errors.js";
import { validateSource } from "../src/probe/validate.js";
import { makeClip, tempDir } from "./support/clips.js";

let dir: string;
let cleanup: () => Promise<void>;
let good: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  good = await makeClip(join(dir, "good.mp4"));
});
afterAll(() => cleanup());

async function rejection(path: string, limits = defaultLimits, kind: "upload" | "import" = "upload"): Promise<MediaRejectedError> {
  try {
    await validateSource(path, limits, kind);
  } catch (e) {
    expect(e).toBeInstanceOf(MediaRejectedError);
    return e as MediaRejectedError;
  }
  throw new Error(`expected ${path} to be rejected`);
}

async function expectReason(path: string, reason: RejectReason, limits = defaultLimits) {
  const e = await rejection(path, limits);
  expect(e.reason).toBe(reason);
  expect(e.userMessage.length).toBeGreaterThan(10);
  expect(e.retriable).toBe(false);
  return e;
}

describe("validateSource", () => {
  it("accepts a plain H.264/AAC clip and describes it", async () => {
    const v = await validateSource(good, defaultLimits);
    expect(v.info.video.codec).toBe("h264");
    expect(v.info.audio?.codec).toBe("aac");
    expect(v.info.durationSec).toBeCloseTo(3, 1);
    expect(v.measuredDurationSec).toBeCloseTo(3, 1);
  });

  it("refuses an empty file and random bytes as not media", async () => {
    await writeFile(join(dir, "empty.mp4"), "");
    await expectReason(join(dir, "empty.mp4"), "NOT_MEDIA");
    await writeFile(join(dir, "junk.mp4"), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    await expectReason(join(dir, "junk.mp4"), "NOT_MEDIA");
  });

  it("refuses an audio file (no video track)", async () => {
    const p = join(dir, "audio.m4a");
    await runFfmpeg(["-f", "lavfi", "-i", "sine=d=4", "-c:a", "aac", p]);
    await expectReason(p, "NO_VIDEO");
  });

  it("refuses a video truncated before its index (moov at the end): ffprobe cannot open it", async () => {
    const p = join(dir, "cut-moov-end.mp4");
    await copyFile(good, p);
    await truncate(p, Math.floor((await stat(p)).size * 0.6));
    const e = await expectReason(p, "CORRUPT");
    expect(e.userMessage).toMatch(/incomplete|damaged/);
  });

  it("refuses a video truncated after a front index (faststart): ffprobe opens it, the packet scan does not", async () => {
    const fast = await makeClip(join(dir, "fast.mp4"), { outputArgs: ["-movflags", "+faststart"] });
    const p = join(dir, "cut-moov-front.mp4");
    await copyFile(fast, p);
    await truncate(p, Math.floor((await stat(p)).size * 0.5));
    const e = await expectReason(p, "CORRUPT");
    expect(e.detail).toMatch(/packets end at/);
  });

  it("refuses pictures renamed as videos (PNG, JPEG, GIF)", async () => {
    for (const [ext, args] of [
      ["png", ["-frames:v", "1"]],
      ["jpg", ["-frames:v", "1"]],
      ["gif", ["-t", "1"]],
    ] as const) {
      const pic = join(dir, `pic.${ext}`);
      await runFfmpeg(["-f", "lavfi", "-i", "testsrc2=s=180x320:r=10", ...args, pic]);
      const renamed = join(dir, `pic-${ext}.mp4`);
      await copyFile(pic, renamed);
      const e = await expectReason(renamed, "IMAGE_NOT_VIDEO");
      expect(e.userMessage).toMatch(/picture/);
    }
  });

  it("refuses a still picture inside a video container (codec allowlist)", async () => {
    const p = join(dir, "still.mov");
    await runFfmpeg(["-f", "lavfi", "-i", "testsrc2=s=180x320", "-frames:v", "1", "-c:v", "png", p]);
    await expectReason(p, "IMAGE_NOT_VIDEO");
  });

  it("refuses containers outside the allowlist", async () => {
    const p = join(dir, "clip.ogv");
    await runFfmpeg(["-f", "lavfi", "-i", "testsrc2=s=180x320:d=3", "-c:v", "libtheora", p]);
    await expectReason(p, "UNSUPPORTED_FORMAT");
  });

  it("enforces duration limits, with the longer limit for imports", async () => {
    const short = await makeClip(join(dir, "short.mp4"), { durationSec: 1 });
    await expectReason(short, "TOO_SHORT");
    const limits = { ...defaultLimits, maxDurationSec: 2, importMaxDurationSec: 5, durationToleranceSec: 0.2 };
    const e = await expectReason(good, "TOO_LONG", limits);
    expect(e.userMessage).toMatch(/limit is 2 s/);
    await expect(validateSource(good, limits, "import")).resolves.toBeDefined();
  });

  it("enforces the size limit before reading the file", async () => {
    await expectReason(good, "TOO_LARGE", { ...defaultLimits, maxBytes: 1000 });
  });

  it("refuses pictures too small to watch", async () => {
    const tiny = await makeClip(join(dir, "tiny.mp4"), { width: 96, height: 160 });
    await expectReason(tiny, "RESOLUTION_TOO_LOW");
  });

  it("derives the duration from packets when the container has none (browser WebM)", async () => {
    const webm = join(dir, "rec.webm");
    const bytes = await runWebmToFile(webm);
    expect(bytes).toBeGreaterThan(0);
    const v = await validateSource(webm, defaultLimits);
    expect(v.info.durationSec).toBeGreaterThan(2.5);
  });
});

/** Writes a WebM through a pipe so the muxer cannot go back and write its duration. */
async function runWebmToFile(path: string): Promise<number> {
  const { spawn } = await import("node:child_process");
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const p = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=180x320:r=30:d=3", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-f", "webm", "pipe:1"], { stdio: ["ignore", "pipe", "inherit"] });
    p.stdout.on("data", (c: Buffer) => chunks.push(c));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exit ${code}`))));
  });
  const buf = Buffer.concat(chunks);
  await writeFile(path, buf);
  return buf.length;
}
