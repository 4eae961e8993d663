// The pipeline end to end on small clips: what a player fetches must parse, decode,
// switch cleanly between rungs, and advertise honest bandwidths.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processVideo, type MediaManifest, type ProgressEvent, type PublishPhase, type Stage } from "../src/hls/pipeline.js";
import { runFfprobe } from "../src/ffmpeg/ffmpeg.js";
import { MediaRejectedError } from "../src/probe/errors.js";
import { decodesCleanly, ffprobeJson, makeClip, tempDir } from "./support/clips.js";
import { checkSegments, parseM3u8, peakBps, segmentsOf } from "./support/hls.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

describe("H.264/AAC upload", () => {
  let manifest: MediaManifest;
  let out: string;
  const events: ProgressEvent[] = [];
  const published: { phase: PublishPhase; files: string[]; atMs: number }[] = [];

  beforeAll(async () => {
    const input = await makeClip(join(dir, "h264.mp4"), { width: 720, height: 1280, durationSec: 3 });
    out = join(dir, "h264-out");
    const t0 = performance.now();
    manifest = await processVideo({
      input,
      outDir: out,
      onProgress: (e) => events.push(e),
      publish: async (_root, files, phase) => {
        published.push({ phase, files, atMs: performance.now() - t0 });
      },
    });
  }, 120_000);

  it("plays a stream copy first, published before the ladder starts", () => {
    expect(manifest.firstPlayable.kind).toBe("copy");
    expect(published[0]!.phase).toBe("first-playable");
    expect(published[0]!.files).toContain("master.m3u8");
    expect(published[0]!.files).toContain("copy/index.m3u8");
    const ladderStart = events.find((e) => e.stage === "ladder")!.elapsedMs;
    expect(manifest.firstPlayable.atMs).toBeLessThanOrEqual(ladderStart);
    // Probe + copy of a small clip: well under the 5 s target even on a busy machine.
    expect(manifest.firstPlayable.atMs).toBeLessThan(3000);
    expect(published[1]!.phase).toBe("final");
  });

  it("reports every stage, in order, ending with done", () => {
    const stages = events.map((e) => e.stage);
    const order: Stage[] = ["probe", "first-playable", "ladder", "done"];
    expect(order.map((s) => stages.indexOf(s))).toEqual([...order.map((s) => stages.indexOf(s))].sort((a, b) => a - b));
    expect(stages).toContain("thumbnail");
    expect(stages).toContain("audio");
    expect(stages.at(-1)).toBe("done");
    const ladder = events.filter((e) => e.stage === "ladder").map((e) => e.ratio);
    expect(ladder).toEqual([...ladder].sort((a, b) => a - b));
  });

  it("encodes the rungs the source can fill, not more", () => {
    expect(manifest.renditions.map((r) => r.name).sort()).toEqual(["360", "480", "720"]);
    expect(manifest.durationSec).toBeCloseTo(3, 1);
  });

  it("writes a master playlist that parses, with measured bandwidths and exact codecs", async () => {
    const master = await parseM3u8(join(out, "master.m3u8"));
    expect(master.playlists).toHaveLength(3);
    expect(master.mediaGroups?.AUDIO?.aac).toBeDefined();
    const audio = await segmentsOf(join(out, manifest.audio.playlist));
    const audioPeak = peakBps(audio.segments, 2);
    for (const p of master.playlists!) {
      const a = p.attributes;
      const rendition = await segmentsOf(join(out, p.uri));
      const measuredPeak = peakBps(rendition.segments, 2) + audioPeak;
      expect(a.BANDWIDTH).toBeGreaterThanOrEqual(Math.floor(measuredPeak));
      // Not the cap, not a guess: within 10 % of what the segments really need.
      expect(a.BANDWIDTH).toBeLessThan(measuredPeak * 1.1);
      const bits = [...rendition.segments, ...audio.segments].reduce((n, s) => n + s.bytes * 8, 0);
      expect(Number(a["AVERAGE-BANDWIDTH"])).toBeCloseTo(bits / 3, -4);
      expect(a["FRAME-RATE"]).toBe(30);
      expect(a.AUDIO).toBe("aac");
      // CODECS agrees with ffprobe of the rendition itself.
      const facts = await ffprobeJson(join(out, p.uri));
      const v = facts.streams.find((s) => s.codec_type === "video")!;
      expect(a.RESOLUTION).toEqual({ width: v.width, height: v.height });
      expect(v.width! / v.height!).toBeCloseTo(9 / 16, 2);
      expect(v.profile).toBe("High");
      const level = v.level!.toString(16).padStart(2, "0");
      expect(a.CODECS).toMatch(new RegExp(`^avc1\\.6400${level},mp4a\\.40\\.2$`));
    }
  });

  it("cuts every rendition into 2 s VOD segments that each decode alone from a keyframe", async () => {
    for (const r of manifest.renditions) {
      const { manifest: m, segments, init } = await segmentsOf(join(out, r.playlist));
      expect(m.endList).toBe(true);
      expect(m.playlistType).toBe("VOD");
      expect(m.targetDuration).toBe(2);
      expect(segments.map((s) => s.durationSec)).toEqual([2, 1]);
      await checkSegments(init, segments, dir);
    }
    const audio = await segmentsOf(join(out, manifest.audio.playlist));
    await checkSegments(audio.init, audio.segments, dir, false);
    const copy = await segmentsOf(join(out, manifest.firstPlayable.playlist));
    await checkSegments(copy.init, copy.segments, dir);
  });

  it("makes a 720×1280 WebP thumbnail and copies the AAC track out as the original sound", async () => {
    const thumb = await ffprobeJson(join(out, manifest.thumbnail));
    expect(thumb.streams[0]).toMatchObject({ codec_name: "webp", width: 720, height: 1280 });
    expect(manifest.sound).toEqual({ path: "sound.m4a", copied: true });
    const sound = await ffprobeJson(join(out, "sound.m4a"));
    expect(sound.streams.map((s) => s.codec_type)).toEqual(["audio"]);
    expect(Number(sound.format.duration)).toBeCloseTo(3, 1);
  });
});

describe("uploads that need re-encoding first", () => {
  it("plays a growing low-rung preview first for 10-bit HEVC, then 8-bit H.264 renditions", async () => {
    const input = await makeClip(join(dir, "hevc10.mkv"), {
      durationSec: 8,
      videoArgs: ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-x265-params", "log-level=error"],
      audioArgs: ["-c:a", "libopus"],
    });
    const out = join(dir, "hevc-out");
    const published: { phase: PublishPhase; files: string[] }[] = [];
    const m = await processVideo({ input, outDir: out, publish: async (_r, files, phase) => void published.push({ phase, files }) });
    expect(m.firstPlayable.kind).toBe("preview");
    expect(m.firstPlayable.playlist).toBe("preview/play.m3u8");
    // Announced with at least two segments (4 s) to play; every later publication of the
    // preview brings only new segments and the playlist, never a file twice.
    const [first, ...rest] = published;
    expect(first!.phase).toBe("first-playable");
    expect(first!.files.filter((f) => f.endsWith(".m4s")).length).toBeGreaterThanOrEqual(2);
    expect(first!.files).toEqual(expect.arrayContaining(["preview/init.mp4", "preview/play.m3u8", "master.m3u8"]));
    const previewSegs = [first!, ...rest.filter((p) => p.phase === "preview")].flatMap((p) => p.files.filter((f) => f.startsWith("preview/seg_")));
    expect(new Set(previewSegs).size).toBe(previewSegs.length);
    expect(previewSegs).toHaveLength(4);
    const text = await (await import("node:fs/promises")).readFile(join(out, "preview/play.m3u8"), "utf8");
    expect(text).toContain("#EXT-X-PLAYLIST-TYPE:EVENT");
    expect(text).toContain("#EXT-X-START:TIME-OFFSET=0,PRECISE=YES");
    const preview = await segmentsOf(join(out, m.firstPlayable.playlist));
    expect(preview.manifest.endList).toBe(true);
    await checkSegments(preview.init, preview.segments, dir);
    const facts = await ffprobeJson(join(out, m.renditions[0]!.playlist));
    expect(facts.streams[0]).toMatchObject({ codec_name: "h264", pix_fmt: "yuv420p" });
    // Opus is not AAC: the original sound is encoded, not copied.
    expect(m.sound?.copied).toBe(false);
  }, 60_000);

  it("tone-maps HDR (PQ, BT.2020) to SDR 8-bit", async () => {
    const input = await makeClip(join(dir, "hdr.mp4"), {
      videoArgs: [
        "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
        "-x265-params", "log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc",
        "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc",
      ],
    });
    const out = join(dir, "hdr-out");
    const m = await processVideo({ input, outDir: out });
    expect(m.source.hdr).toBe(true);
    expect(m.source.bitDepth).toBe(10);
    const v = (await ffprobeJson(join(out, m.renditions[0]!.playlist))).streams[0]!;
    expect(v.pix_fmt).toBe("yuv420p");
    expect(v.color_transfer ?? "bt709").not.toBe("smpte2084");
  }, 60_000);

  it("brings 60 fps down to 30", async () => {
    const input = await makeClip(join(dir, "60fps.mp4"), { fps: 60 });
    const m = await processVideo({ input, outDir: join(dir, "60-out") });
    expect(m.firstPlayable.kind).toBe("copy");
    expect(m.renditions[0]!.frameRate).toBe(30);
    const v = (await ffprobeJson(join(dir, "60-out", m.renditions[0]!.playlist))).streams[0]!;
    expect(v.r_frame_rate).toBe("30/1");
  }, 60_000);

  it("adds a silent track to a video without sound, and makes no 'original sound' of it", async () => {
    const input = await makeClip(join(dir, "mute.mp4"), { audio: false });
    const out = join(dir, "mute-out");
    const m = await processVideo({ input, outDir: out });
    expect(m.sound).toBeUndefined();
    const audio = await ffprobeJson(join(out, m.audio.playlist));
    expect(audio.streams[0]).toMatchObject({ codec_type: "audio", codec_name: "aac", channels: 2 });
    expect(Number(audio.format.duration)).toBeCloseTo(3, 0);
  }, 60_000);

  it("applies effects in the ladder (2× speed halves every rendition)", async () => {
    const input = await makeClip(join(dir, "fx.mp4"), { durationSec: 4 });
    const out = join(dir, "fx-out");
    const m = await processVideo({ input, outDir: out, effects: { speed: 2, color: "vivid" } });
    expect(m.firstPlayable.kind).toBe("preview");
    expect(m.durationSec).toBeCloseTo(2, 1);
    const { segments } = await segmentsOf(join(out, m.renditions[0]!.playlist));
    expect(segments.reduce((a, s) => a + s.durationSec, 0)).toBeCloseTo(2, 1);
  }, 60_000);
});

describe("orientation", () => {
  it("honours rotation metadata: the copy keeps its display matrix, the ladder is upright", async () => {
    const stored = await makeClip(join(dir, "stored.mp4"), { width: 320, height: 180 });
    const rotated = join(dir, "rotated.mp4");
    const { runFfmpeg } = await import("../src/ffmpeg/ffmpeg.js");
    await runFfmpeg(["-i", stored, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated]);
    const out = join(dir, "rot-out");
    const m = await processVideo({ input: rotated, outDir: out });
    expect(m.source).toMatchObject({ width: 180, height: 320 });
    expect(m.firstPlayable.kind).toBe("copy");
    const copy = await segmentsOf(join(out, m.firstPlayable.playlist));
    const joined = join(dir, "rot-copy.mp4");
    const { joinInitAndFirst } = await import("./support/hls.js");
    await joinInitAndFirst(copy.init, copy.segments[0]!.uri, joined);
    const rot = await runFfprobe(["-select_streams", "v:0", "-show_entries", "stream_side_data=rotation", "-of", "csv=p=0", joined]);
    expect(Math.abs(Number(rot.trim().split("\n").find((l) => l.trim() !== "")))).toBe(90);
    // Upright portrait fills the 9:16 frame: no letterbox bars at the top.
    const { pixelAt } = await import("./support/clips.js");
    const rendition = join(out, m.renditions[0]!.playlist);
    const top = await pixelAt(rendition, 1, 180, 4, dir);
    expect(Math.max(...top)).toBeGreaterThan(40);
  }, 60_000);

  it("letterboxes landscape into 9:16 (picture whole, bars above and below)", async () => {
    const input = await makeClip(join(dir, "landscape.mp4"), { width: 320, height: 180 });
    const out = join(dir, "land-out");
    const m = await processVideo({ input, outDir: out });
    const rendition = join(out, m.renditions[0]!.playlist);
    const v = (await ffprobeJson(rendition)).streams[0]!;
    expect([v.width, v.height]).toEqual([360, 640]);
    const { pixelAt } = await import("./support/clips.js");
    expect(Math.max(...(await pixelAt(rendition, 1, 180, 20, dir)))).toBeLessThan(24);
    expect(Math.max(...(await pixelAt(rendition, 1, 180, 620, dir)))).toBeLessThan(24);
    expect(Math.max(...(await pixelAt(rendition, 1, 180, 320, dir)))).toBeGreaterThan(40);
  }, 60_000);

  it("handles odd dimensions", async () => {
    const input = await makeClip(join(dir, "odd.mkv"), { width: 181, height: 321, videoArgs: ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p"] });
    const out = join(dir, "odd-out");
    const m = await processVideo({ input, outDir: out });
    const v = (await ffprobeJson(join(out, m.renditions[0]!.playlist))).streams[0]!;
    expect([v.width, v.height, v.pix_fmt]).toEqual([360, 640, "yuv420p"]);
    await decodesCleanly(join(out, m.firstPlayable.playlist));
  }, 60_000);
});

describe("failure and cancellation", () => {
  it("refuses a damaged upload with a reason, before encoding", async () => {
    const { writeFile } = await import("node:fs/promises");
    const junk = join(dir, "junk.mov");
    await writeFile(junk, Buffer.alloc(10_000, 7));
    await expect(processVideo({ input: junk, outDir: join(dir, "junk-out") })).rejects.toBeInstanceOf(MediaRejectedError);
  });

  it("stops ffmpeg when aborted", async () => {
    const input = await makeClip(join(dir, "abort.mp4"), { width: 720, height: 1280, durationSec: 6 });
    const ac = new AbortController();
    const started = performance.now();
    const p = processVideo({
      input,
      outDir: join(dir, "abort-out"),
      signal: ac.signal,
      onProgress: (e) => e.stage === "ladder" && ac.abort(new Error("cancelled by test")),
    });
    await expect(p).rejects.toThrow("cancelled by test");
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 60_000);
});
