// Pure decisions: ladder choice, frame rates, fitting, bandwidth maths, magic bytes.
import { describe, expect, it } from "vitest";
import { defaultEncoderThreads, selectRungs } from "../src/hls/ladder.js";
import { measureBitrates, parseMediaPlaylist, renderMasterPlaylist } from "../src/hls/playlist.js";
import { fitInside, targetFrameRate } from "../src/probe/normalize.js";
import { sniff } from "../src/probe/sniff.js";

describe("ladder", () => {
  it("never upscales, but always keeps the lowest rung", () => {
    expect(selectRungs(1080, 1920).map((r) => r.name)).toEqual(["1080", "720", "480", "360"]);
    expect(selectRungs(720, 1280).map((r) => r.name)).toEqual(["720", "480", "360"]);
    expect(selectRungs(704, 1280).map((r) => r.name)).toEqual(["720", "480", "360"]);
    expect(selectRungs(180, 320).map((r) => r.name)).toEqual(["360"]);
    // Landscape 1920×1080 fitted in the 9:16 frames: all rungs are downscales.
    expect(selectRungs(1080, 608).map((r) => r.name)).toEqual(["1080", "720", "480", "360"]);
    expect(selectRungs(1080, 1920, { 1080: "ultrafast" })[0]!.preset).toBe("ultrafast");
  });

  it("gives every encoder at least two threads (one would encode inline and serialise the ladder)", () => {
    expect(defaultEncoderThreads(1)).toBe(2);
    expect(defaultEncoderThreads(2)).toBe(2);
    expect(defaultEncoderThreads(8)).toBe(4);
  });
});

describe("frame rate and size", () => {
  it.each([
    [60, 30], [59.94, 30000 / 1001], [50, 25], [30, 30], [29.97, 30000 / 1001], [25, 25], [24, 24], [15, 15], [0, 30], [120, 30],
  ])("%s fps → %s", (src, out) => {
    expect(targetFrameRate(src).value).toBeCloseTo(out, 3);
  });

  it("fits keeping aspect, with even sides", () => {
    expect(fitInside(1920, 1080, 1080, 1920)).toEqual({ w: 1080, h: 608 });
    expect(fitInside(181, 321, 1080, 1920)).toEqual({ w: 182, h: 322 });
    expect(fitInside(3840, 2160, 1080, 1920)).toEqual({ w: 1080, h: 608 });
  });
});

describe("playlists", () => {
  const text = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:2", "#EXT-X-MAP:URI=\"init.mp4\"", "#EXTINF:2.000,", "a.m4s", "#EXTINF:2.000,", "b.m4s", "#EXTINF:0.100,", "c.m4s", "#EXT-X-ENDLIST"].join("\n");

  it("parses ffmpeg's VOD playlists", () => {
    const p = parseMediaPlaylist(text);
    expect(p).toMatchObject({ version: 7, targetDurationSec: 2, mapUri: "init.mp4", ended: true });
    expect(p.segments.map((s) => s.uri)).toEqual(["a.m4s", "b.m4s", "c.m4s"]);
  });

  it("measures the peak as RFC 8216 does: a tiny tail segment cannot inflate it", () => {
    const p = { ...parseMediaPlaylist(text), segments: [
      { uri: "a", durationSec: 2, bytes: 250_000 },
      { uri: "b", durationSec: 2, bytes: 500_000 },
      { uri: "c", durationSec: 0.1, bytes: 40_000 },
    ] };
    const r = measureBitrates(p);
    // b+c (2.1 s) is the hottest qualifying run; c alone (0.1 s) would claim 3.2 Mb/s.
    expect(r.peak).toBeCloseTo((540_000 * 8) / 2.1, 0);
    expect(r.average).toBeCloseTo((790_000 * 8) / 4.1, 0);
  });

  it("renders a master with the audio group and the variants in order", () => {
    const m = renderMasterPlaylist(
      [{ uri: "v720/index.m3u8", bandwidth: 1_000_000.4, averageBandwidth: 800_000, width: 720, height: 1280, frameRate: 30, codecs: "avc1.64001f,mp4a.40.2", audioGroup: "aac" }],
      { groupId: "aac", name: "Original", uri: "audio/index.m3u8", channels: 2 },
    );
    expect(m).toContain('#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac"');
    expect(m).toContain("BANDWIDTH=1000001,AVERAGE-BANDWIDTH=800000,RESOLUTION=720x1280,FRAME-RATE=30.000");
  });
});

describe("sniff", () => {
  it("tells pictures from video containers", () => {
    expect(sniff(Buffer.from("89504e470d0a1a0a", "hex"))).toEqual({ kind: "image", format: "png" });
    expect(sniff(Buffer.from("ffd8ffe0", "hex"))).toEqual({ kind: "image", format: "jpeg" });
    expect(sniff(Buffer.from("\0\0\0\x18ftypheic", "latin1"))).toEqual({ kind: "image", format: "heif" });
    expect(sniff(Buffer.from("\0\0\0\x18ftypisom", "latin1"))).toEqual({ kind: "video-container", container: "isobmff" });
    expect(sniff(Buffer.from("1a45dfa3", "hex"))).toEqual({ kind: "video-container", container: "matroska" });
    expect(sniff(Buffer.from("hello"))).toEqual({ kind: "unknown" });
  });
});
