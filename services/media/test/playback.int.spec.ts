// What a player (or a CDN in front) sees from /media/: types, ranges, validators, cache
// policy, and nothing outside the published packages.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalBlobStore } from "../src/blobs/local.blob-store.js";
import { parseRange } from "../src/playback/range.js";
import { createPlaybackHandler, keyFromUrl } from "../src/playback/playback.handler.js";
import { tempDir } from "./support/clips.js";

let server: Server;
let port: number;
let cleanup: () => Promise<void>;
const segment = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));

beforeAll(async () => {
  const t = await tempDir("flick-play-");
  cleanup = t.cleanup;
  const store = createLocalBlobStore({ root: t.dir, publicBaseUrl: "/media" });
  await store.put("videos/v1/master.m3u8", Buffer.from("#EXTM3U\n"));
  await store.put("videos/v1/preview/play.m3u8", Buffer.from("#EXTM3U\n"));
  await store.put("videos/v1/v360/index.m3u8", Buffer.from("#EXTM3U\n#EXT-X-ENDLIST\n"));
  await store.put("videos/v1/v360/init.mp4", Buffer.alloc(100));
  await store.put("videos/v1/v360/seg_000.m4s", segment);
  await store.put("videos/v1/thumb.webp", Buffer.alloc(50));
  await store.put("videos/v1/sound.m4a", Buffer.alloc(70));
  await store.put("demo/covers/c1.png", Buffer.alloc(40));
  await store.put("demo/covers/c2.jpeg", Buffer.alloc(40));
  await store.put("sounds/s1/audio.mp3", segment);
  await store.put("sounds/s2/audio.wav", Buffer.alloc(60));
  await store.put("uploads/up_1", Buffer.alloc(10));
  const handle = createPlaybackHandler({ store, mountPath: "/media" });
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await cleanup();
});

/** Raw HTTP (fetch would normalise "..", which is exactly what an attacker would not do). */
function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("playback", () => {
  it.each([
    ["videos/v1/master.m3u8", "application/vnd.apple.mpegurl", /max-age=5\b/],
    ["videos/v1/preview/play.m3u8", "application/vnd.apple.mpegurl", /max-age=1$/],
    ["videos/v1/v360/index.m3u8", "application/vnd.apple.mpegurl", /immutable/],
    ["videos/v1/v360/init.mp4", "video/mp4", /immutable/],
    ["videos/v1/v360/seg_000.m4s", "video/iso.segment", /immutable/],
    ["videos/v1/thumb.webp", "image/webp", /immutable/],
    ["videos/v1/sound.m4a", "audio/mp4", /immutable/],
    ["demo/covers/c1.png", "image/png", /immutable/],
    ["demo/covers/c2.jpeg", "image/jpeg", /immutable/],
    ["sounds/s1/audio.mp3", "audio/mpeg", /immutable/],
    ["sounds/s2/audio.wav", "audio/wav", /immutable/],
  ])("serves %s as %s with the right cache policy", async (key, type, cache) => {
    const r = await get(`/media/${key}`);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe(type);
    expect(r.headers["cache-control"]).toMatch(cache);
    expect(r.headers["accept-ranges"]).toBe("bytes");
    expect(r.headers.etag).toBeDefined();
    expect(r.headers["last-modified"]).toBeDefined();
    expect(r.headers["access-control-allow-origin"]).toBe("*");
  });

  it("answers byte ranges with 206 and Content-Range", async () => {
    const r = await get("/media/videos/v1/v360/seg_000.m4s", { Range: "bytes=100-199" });
    expect(r.status).toBe(206);
    expect(r.headers["content-range"]).toBe("bytes 100-199/1000");
    expect(r.headers["content-length"]).toBe("100");
    expect(r.body.equals(segment.subarray(100, 200))).toBe(true);
    const tail = await get("/media/videos/v1/v360/seg_000.m4s", { Range: "bytes=-10" });
    expect(tail.headers["content-range"]).toBe("bytes 990-999/1000");
    expect(tail.body.equals(segment.subarray(990))).toBe(true);
    const open = await get("/media/videos/v1/v360/seg_000.m4s", { Range: "bytes=995-" });
    expect(open.body.length).toBe(5);
  });

  it("serves an audio track in byte ranges, as audio players ask for it", async () => {
    const r = await get("/media/sounds/s1/audio.mp3", { Range: "bytes=0-499" });
    expect(r.status).toBe(206);
    expect(r.headers["content-type"]).toBe("audio/mpeg");
    expect(r.headers["content-range"]).toBe("bytes 0-499/1000");
    expect(r.body.equals(segment.subarray(0, 500))).toBe(true);
  });

  it("answers ranges past the end with 416", async () => {
    const r = await get("/media/videos/v1/v360/seg_000.m4s", { Range: "bytes=1000-1100" });
    expect(r.status).toBe(416);
    expect(r.headers["content-range"]).toBe("bytes */1000");
  });

  it("ignores a Range for another version (If-Range) and serves the whole object", async () => {
    const r = await get("/media/videos/v1/v360/seg_000.m4s", { Range: "bytes=0-9", "If-Range": '"stale"' });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(1000);
  });

  it("revalidates with ETag and Last-Modified (304)", async () => {
    const first = await get("/media/videos/v1/thumb.webp");
    const etag = first.headers.etag as string;
    expect((await get("/media/videos/v1/thumb.webp", { "If-None-Match": etag })).status).toBe(304);
    expect((await get("/media/videos/v1/thumb.webp", { "If-None-Match": '"other"' })).status).toBe(200);
    const lm = first.headers["last-modified"] as string;
    expect((await get("/media/videos/v1/thumb.webp", { "If-Modified-Since": lm })).status).toBe(304);
  });

  it("answers HEAD with headers only", async () => {
    const r = await get("/media/videos/v1/v360/seg_000.m4s", {}, "HEAD");
    expect(r.status).toBe(200);
    expect(r.headers["content-length"]).toBe("1000");
    expect(r.body.length).toBe(0);
  });

  it("refuses path traversal and anything that is not published media", async () => {
    for (const p of ["/media/../package.json", "/media/videos/../../etc/passwd", "/media/videos/%2e%2e/%2e%2e/x.m3u8", "/media/videos%2fv1%2fmaster.m3u8", "/media/videos/v1/..%5c..%5cx.m3u8", "/media//etc/passwd"]) {
      expect([400, 404]).toContain((await get(p)).status);
    }
    expect((await get("/media/uploads/up_1")).status).toBe(404);
    expect((await get("/media/videos/v1/missing.m4s")).status).toBe(404);
    expect((await get("/media/videos/v1/master.m3u8", {}, "DELETE")).status).toBe(405);
  });

  it("maps only safe URLs to keys", () => {
    expect(keyFromUrl("/media/videos/a%20b/master.m3u8?x=1", "/media")).toBe("videos/a b/master.m3u8");
    expect(keyFromUrl("/media/../x", "/media")).toBeUndefined();
    expect(keyFromUrl("/elsewhere/x", "/media")).toBeUndefined();
  });

  it("parses ranges by RFC 9110", () => {
    expect(parseRange("bytes=0-0", 10)).toEqual({ kind: "ok", start: 0, end: 0 });
    expect(parseRange("bytes=5-100", 10)).toEqual({ kind: "ok", start: 5, end: 9 });
    expect(parseRange("bytes=0-1,4-5", 10)).toEqual({ kind: "none" });
    expect(parseRange("bytes=-0", 10)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=10-", 10)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("items=0-1", 10)).toEqual({ kind: "none" });
  });
});
