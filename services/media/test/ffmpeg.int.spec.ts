// The wrapper around the ffmpeg binary: the boot check, progress, errors, limits.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertFfmpeg, checkFfmpeg, FfmpegUnavailableError } from "../src/ffmpeg/check.js";
import { FfmpegError, FfmpegTimeoutError, runFfmpeg, type FfmpegProgress } from "../src/ffmpeg/ffmpeg.js";
import { tempDir } from "./support/clips.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

describe("checkFfmpeg", () => {
  it("finds ffmpeg ≥ 5 with libx264 and aac on this machine", async () => {
    const c = await assertFfmpeg();
    expect(c.ok).toBe(true);
    expect(c.libavcodecMajor).toBeGreaterThanOrEqual(59);
    expect(c.missing).toEqual([]);
  });

  it("says what is missing and how to get it when the binary is absent", async () => {
    const c = await checkFfmpeg({ ffmpeg: "/nonexistent/ffmpeg", ffprobe: "/nonexistent/ffprobe" });
    expect(c.ok).toBe(false);
    expect(c.missing[0]).toMatch(/ffmpeg not found.*apt-get install -y ffmpeg/);
    await expect(assertFfmpeg({ ffmpeg: "/nonexistent/ffmpeg", ffprobe: "/nonexistent/ffprobe" })).rejects.toBeInstanceOf(FfmpegUnavailableError);
  });
});

describe("runFfmpeg", () => {
  it("reports progress as a ratio of the expected duration, ending at 1", async () => {
    const seen: FfmpegProgress[] = [];
    const r = await runFfmpeg(["-f", "lavfi", "-i", "testsrc2=s=180x320:d=3", "-c:v", "libx264", "-preset", "ultrafast", join(dir, "p.mp4")], {
      durationSec: 3,
      onProgress: (p) => seen.push(p),
    });
    expect(seen.at(-1)).toMatchObject({ done: true, ratio: 1 });
    expect(r.elapsedMs).toBeGreaterThan(0);
    expect(r.peakRssBytes).toBeGreaterThan(1024 * 1024);
  });

  it("fails with ffmpeg's own explanation", async () => {
    const e = await runFfmpeg(["-i", join(dir, "missing.mp4"), join(dir, "x.mp4")]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FfmpegError);
    expect((e as FfmpegError).message).toMatch(/No such file/);
    expect((e as FfmpegError).exitCode).not.toBe(0);
  });

  it("kills ffmpeg on timeout and on abort", async () => {
    const endless = ["-re", "-f", "lavfi", "-i", "testsrc2=s=64x64", "-f", "null", "-"];
    await expect(runFfmpeg(endless, { timeoutMs: 300 })).rejects.toBeInstanceOf(FfmpegTimeoutError);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("stop")), 300);
    await expect(runFfmpeg(endless, { signal: ac.signal })).rejects.toThrow("stop");
  });
});
