// ONE contract for every BlobStore adapter (local directory, S3-compatible). Each
// adapter's spec file calls this with a factory; nothing here knows the engine.
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobNotFoundError, BlobRangeError, InvalidBlobKeyError, type BlobStore } from "../../src/blobs/blob-store.port.js";

export interface ContractTarget {
  store: BlobStore;
  /** Base URL the store was configured with, to check publicUrl. */
  publicBaseUrl: string;
  cleanup: () => Promise<void>;
}

export function blobStoreContract(name: string, make: () => Promise<ContractTarget>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let t: ContractTarget;
    let store: BlobStore;
    beforeAll(async () => {
      t = await make();
      store = t.store;
    }, 60_000);
    afterAll(async () => {
      await t?.cleanup();
    }, 60_000);

    const read = async (key: string, range?: { start: number; end?: number }) => text((await store.get(key, range)).body);

    it("stores buffers and streams and reads them back whole", async () => {
      await store.put("videos/a/master.m3u8", Buffer.from("#EXTM3U\n"));
      await store.put("videos/a/v360/seg_000.m4s", Readable.from([Buffer.from("hello "), Buffer.from("world")]));
      expect(await read("videos/a/master.m3u8")).toBe("#EXTM3U\n");
      expect(await read("videos/a/v360/seg_000.m4s")).toBe("hello world");
    });

    it("stats objects with size, validator, time and a content type from the name", async () => {
      const s = await store.stat("videos/a/master.m3u8");
      expect(s).toMatchObject({ key: "videos/a/master.m3u8", size: 8, contentType: "application/vnd.apple.mpegurl" });
      expect(s!.etag).toMatch(/^(W\/)?".+"$/);
      expect(s!.lastModified.getTime()).toBeGreaterThan(Date.now() - 3600_000);
      expect(await store.stat("videos/a/nothing.m4s")).toBeUndefined();
    });

    it("overwrites whole objects and changes the validator", async () => {
      const before = await store.stat("videos/a/master.m3u8");
      await store.put("videos/a/master.m3u8", Buffer.from("#EXTM3U\n#EXT-X-VERSION:7\n"));
      const after = await store.stat("videos/a/master.m3u8");
      expect(await read("videos/a/master.m3u8")).toBe("#EXTM3U\n#EXT-X-VERSION:7\n");
      expect(after!.etag).not.toBe(before!.etag);
    });

    it("uploads files", async () => {
      const f = join(tmpdir(), `blob-contract-${process.pid}-${Date.now()}.webp`);
      await writeFile(f, Buffer.alloc(3000, 1));
      const s = await store.putFile("videos/a/thumb.webp", f);
      expect(s).toMatchObject({ size: 3000, contentType: "image/webp" });
    });

    it("reads byte ranges, clamps ends past the object, refuses starts past it", async () => {
      expect(await read("videos/a/v360/seg_000.m4s", { start: 0, end: 4 })).toBe("hello");
      expect(await read("videos/a/v360/seg_000.m4s", { start: 6 })).toBe("world");
      const r = await store.get("videos/a/v360/seg_000.m4s", { start: 6, end: 999 });
      expect(r.range).toEqual({ start: 6, end: 10 });
      expect(await text(r.body)).toBe("world");
      await expect(store.get("videos/a/v360/seg_000.m4s", { start: 11 })).rejects.toBeInstanceOf(BlobRangeError);
    });

    it("says plainly when an object is missing", async () => {
      await expect(store.get("videos/a/missing.m4s")).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it("lists by prefix in key order, as plain string prefixes", async () => {
      await store.put("videos/ab/x.m4s", Buffer.from("1"));
      await store.put("videos/a/v360/seg_001.m4s", Buffer.from("2"));
      const keys: string[] = [];
      for await (const s of store.list("videos/a/")) keys.push(s.key);
      expect(keys).toEqual(["videos/a/master.m3u8", "videos/a/thumb.webp", "videos/a/v360/seg_000.m4s", "videos/a/v360/seg_001.m4s"]);
      const loose: string[] = [];
      for await (const s of store.list("videos/a")) loose.push(s.key);
      expect(loose).toContain("videos/ab/x.m4s");
    });

    it("deletes a prefix and nothing else", async () => {
      expect(await store.deletePrefix("videos/a/")).toBe(4);
      const left: string[] = [];
      for await (const s of store.list("videos/")) left.push(s.key);
      expect(left).toEqual(["videos/ab/x.m4s"]);
      expect(await store.deletePrefix("videos/")).toBe(1);
    });

    it("refuses keys that could escape or alias (.., absolute, empty segments, backslashes)", async () => {
      for (const bad of ["../etc/passwd", "/abs", "a//b", "a/./b", "a\\b", "a/../b", "", "x\u0000y"]) {
        await expect(store.put(bad, Buffer.from("x"))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
    });

    it("gives a public URL under the configured base, each segment encoded", () => {
      expect(store.publicUrl("videos/a b/master.m3u8")).toBe(`${t.publicBaseUrl.replace(/\/$/, "")}/videos/a%20b/master.m3u8`);
    });
  });
}
