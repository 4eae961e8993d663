// The whole way from an upload to what a player fetches: the pipeline publishes into blob
// storage, the playback route serves it, and every URL the master leads to resolves.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Parser } from "m3u8-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalBlobStore } from "../src/blobs/local.blob-store.js";
import { blobPublisher } from "../src/blobs/publish.js";
import { processVideo } from "../src/hls/pipeline.js";
import { createPlaybackHandler } from "../src/playback/playback.handler.js";
import { makeClip, tempDir } from "./support/clips.js";

let dir: string;
let cleanup: () => Promise<void>;
let server: Server;
let base: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const store = createLocalBlobStore({ root: join(dir, "blobs"), publicBaseUrl: "/media" });
  const input = await makeClip(join(dir, "up.mp4"), { width: 360, height: 640, durationSec: 5 });
  await processVideo({ input, outDir: join(dir, "work"), publish: blobPublisher(store, "videos/v1/e1") });
  const handle = createPlaybackHandler({ store, mountPath: "/media" });
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/media/videos/v1/e1`;
}, 60_000);
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await cleanup();
});

const parse = (text: string) => {
  const p = new Parser();
  p.push(text);
  p.end();
  return p.manifest;
};

describe("published package", () => {
  it("serves the master and everything it leads to", async () => {
    const master = await fetch(`${base}/master.m3u8`);
    expect(master.status).toBe(200);
    const m = parse(await master.text());
    const uris = [...m.playlists!.map((p) => p.uri), ...Object.values(m.mediaGroups!.AUDIO!.aac!).map((a) => a.uri!)];
    expect(uris).toContain("v360/index.m3u8");
    for (const uri of uris) {
      const res = await fetch(`${base}/${uri}`);
      expect(res.status).toBe(200);
      const media = parse(await res.text());
      const dirUrl = `${base}/${uri.slice(0, uri.lastIndexOf("/"))}`;
      for (const f of [media.segments[0]!.map!.uri, ...media.segments.map((s) => s.uri)]) {
        const seg = await fetch(`${dirUrl}/${f}`, { method: "HEAD" });
        expect(seg.status).toBe(200);
        expect(seg.headers.get("cache-control")).toMatch(/immutable/);
      }
    }
    for (const f of ["thumb.webp", "sound.m4a", "copy/index.m3u8"]) expect((await fetch(`${base}/${f}`, { method: "HEAD" })).status).toBe(200);
  });
});
