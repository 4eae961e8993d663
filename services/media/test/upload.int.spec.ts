// Resumable uploads with a real tus client: interrupted, resumed, bytes identical; and
// the authorisation, size and expiry rules around it.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import * as tus from "tus-js-client";
import { CreateBucketCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3BlobStore, createS3Client } from "../src/blobs/s3.blob-store.js";
import { loadMediaConfig } from "../src/config.js";
import { createUploadHandler, UploadDeniedError, type CompletedUpload, type UploadGrant, type UploadHandler } from "../src/upload/tus.upload-handler.js";
import { tempDir } from "./support/clips.js";

let dir: string;
let cleanup: () => Promise<void>;
let server: Server;
let base: string;
let handler: UploadHandler;
const completed: CompletedUpload[] = [];
let patchBytes = 0;
const grants = new Map<string, UploadGrant & { token: string }>();

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("flick-tus-"));
  handler = createUploadHandler({
    path: "/uploads",
    datastore: { kind: "file", blobRoot: dir },
    maxBytes: 10 * 1024 * 1024,
    ttlMs: 24 * 3600_000,
    authorize: async (uploadId, token) => {
      const g = grants.get(uploadId);
      if (!g) throw new UploadDeniedError("unknown upload", 404);
      if (!token) throw new UploadDeniedError("sign in first", 401);
      if (token !== g.token) throw new UploadDeniedError("not your upload", 403);
      return g;
    },
    onComplete: async (u) => {
      completed.push(u);
    },
  });
  server = createServer((req, res) => {
    if (req.method === "PATCH") patchBytes += Number(req.headers["content-length"] ?? 0);
    if (req.url?.startsWith("/uploads")) void handler.handle(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await cleanup();
});

function grant(uploadId: string, maxBytes = 5 * 1024 * 1024, expiresInMs = 3600_000, token = "t-owner") {
  grants.set(uploadId, { maxBytes, expiresAt: new Date(Date.now() + expiresInMs), token });
}

const b64 = (s: string) => Buffer.from(s).toString("base64");
function create(uploadId: string | undefined, length: number, token?: string) {
  return fetch(`${base}/uploads`, {
    method: "POST",
    headers: {
      "Tus-Resumable": "1.0.0",
      "Upload-Length": String(length),
      ...(uploadId ? { "Upload-Metadata": `uploadId ${b64(uploadId)},filename ${b64("clip.mp4")}` } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
  });
}

describe("tus uploads", () => {
  it("resumes an interrupted upload and stores identical bytes", async () => {
    grant("up_resume");
    patchBytes = 0;
    const data = await resumedUpload(base, "up_resume");
    expect(patchBytes).toBeLessThan(data.length + 256 * 1024 + 1);
    const stored = await readFile(join(dir, "uploads", "up_resume"));
    expect(stored.equals(data)).toBe(true);
    expect(completed).toContainEqual(expect.objectContaining({ uploadId: "up_resume", size: data.length, blobKey: "uploads/up_resume" }));
    expect(completed.find((c) => c.uploadId === "up_resume")!.metadata.filename).toBe("clip.mp4");
  });

  it("refuses uploads without the issued id, a token, or the right token", async () => {
    grant("up_auth");
    expect((await create(undefined, 100, "t-owner")).status).toBe(400);
    expect((await create("up_auth", 100)).status).toBe(401);
    expect((await create("up_auth", 100, "t-someone-else")).status).toBe(403);
    expect((await create("up_unknown", 100, "t-owner")).status).toBe(404);
    expect((await create("up_auth", 100, "t-owner")).status).toBe(201);
    // One tus upload per issued id: a second POST must resume instead.
    expect((await create("up_auth", 100, "t-owner")).status).toBe(409);
    // Resuming needs the token too.
    const head = await fetch(`${base}/uploads/up_auth`, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
    expect(head.status).toBe(401);
  });

  it("enforces the grant's size and expiry", async () => {
    grant("up_big", 1000);
    expect((await create("up_big", 1001, "t-owner")).status).toBe(413);
    grant("up_late", 1000, -1);
    expect((await create("up_late", 10, "t-owner")).status).toBe(410);
  });

  it("never serves upload bytes back", async () => {
    expect((await fetch(`${base}/uploads/up_resume`, { headers: { Authorization: "Bearer t-owner" } })).status).toBe(405);
  });

  it("sweeps abandoned uploads with their bytes, and keeps finished ones", async () => {
    grant("up_abandoned", 1000, 3600_000);
    expect((await create("up_abandoned", 1000, "t-owner")).status).toBe(201);
    const patch = await fetch(`${base}/uploads/up_abandoned`, {
      method: "PATCH",
      headers: { "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream", Authorization: "Bearer t-owner" },
      body: Buffer.alloc(300, 1),
    });
    expect(patch.status).toBe(204);
    expect(await handler.sweep()).toBe(0);
    const removed = await handler.sweep(new Date(Date.now() + 2 * 3600_000));
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(dir, "uploads", "up_abandoned"))).toBe(false);
    expect(existsSync(join(dir, "uploads", "up_resume"))).toBe(true);
  });
});

/** Uploads 2.5 MB with tus-js-client, cut off at ~40 %, then resumed; returns the bytes sent. */
async function resumedUpload(endpointBase: string, uploadId: string): Promise<Buffer> {
  const data = randomBytes(2_500_000);
  const options = {
    endpoint: `${endpointBase}/uploads`,
    chunkSize: 256 * 1024,
    retryDelays: [],
    metadata: { uploadId, filename: "clip.mp4", filetype: "video/mp4" },
    headers: { Authorization: "Bearer t-owner" },
  };
  // First attempt: cut off once ~40 % is sent, as a phone losing its network would.
  const url = await new Promise<string>((resolve, reject) => {
    const first: tus.Upload = new tus.Upload(data, {
      ...options,
      onProgress: (sent) => {
        if (sent > data.length * 0.4) void first.abort().then(() => resolve(first.url!));
      },
      onError: reject,
    });
    first.start();
  });
  const head = await fetch(url, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0", Authorization: "Bearer t-owner" } });
  const offset = Number(head.headers.get("upload-offset"));
  expect(offset).toBeGreaterThan(0);
  expect(offset).toBeLessThan(data.length);

  // Second attempt resumes from the server's offset, not from zero.
  let firstReported = -1;
  await new Promise<void>((resolve, reject) => {
    const second = new tus.Upload(data, {
      ...options,
      uploadUrl: url,
      onProgress: (sent) => {
        if (firstReported < 0) firstReported = sent;
      },
      onSuccess: () => resolve(),
      onError: reject,
    });
    second.start();
  });
  expect(firstReported).toBeGreaterThanOrEqual(offset);
  return data;
}

// The same resumed upload into S3 through @tus/s3-store, when an S3 server is configured.
const s3config = loadMediaConfig();
if (!(s3config.blobs.kind === "s3" && process.env.S3_ENDPOINT)) {
  console.warn("\n*** SKIPPED: tus uploads into S3 — set S3_ENDPOINT, S3_BUCKET and credentials to run them (services/media/README.md). ***\n");
}
describe.skipIf(!(s3config.blobs.kind === "s3" && process.env.S3_ENDPOINT))("tus uploads into S3", () => {
  it("resumes an interrupted upload and stores identical bytes at uploads/<id>", async () => {
    if (s3config.blobs.kind !== "s3") return;
    const s3 = s3config.blobs.s3;
    const client = createS3Client(s3);
    await client.send(new HeadBucketCommand({ Bucket: s3.bucket })).catch(() => client.send(new CreateBucketCommand({ Bucket: s3.bucket })));
    const keyPrefix = `tus-${randomBytes(4).toString("hex")}/`;
    const done: CompletedUpload[] = [];
    const h = createUploadHandler({
      path: "/uploads",
      datastore: { kind: "s3", s3, keyPrefix },
      maxBytes: 10 * 1024 * 1024,
      ttlMs: 3600_000,
      authorize: async (id) => grants.get(id)!,
      onComplete: async (u) => {
        done.push(u);
      },
    });
    const srv = createServer((req, res) => void h.handle(req, res));
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    try {
      grant("up_s3");
      const data = await resumedUpload(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`, "up_s3");
      const blobs = createS3BlobStore({ s3, client, keyPrefix, publicBaseUrl: "https://cdn.example.test" });
      const stored = Buffer.from(await (await blobs.get("uploads/up_s3")).body.toArray().then((c) => Buffer.concat(c as Buffer[])));
      expect(stored.equals(data)).toBe(true);
      expect(done[0]).toMatchObject({ uploadId: "up_s3", blobKey: "uploads/up_s3", size: data.length });
      await blobs.deletePrefix("");
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
      client.destroy();
    }
  });
});
