// The resumable upload endpoint (tus 1.0, @flick/media's handler) wired to the upload
// aggregate: every request is authorised against the upload's own stream (the caller's
// upload, not expired), the last byte appends UploadReceived, and InitUpload creates the
// tus resource up front so the client only PATCHes (and HEADs to resume).
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Upload } from "@tus/server";
import { createUploadHandler, UploadDeniedError, type UploadHandler } from "@flick/media";
import { handleCommand, type DomainError } from "@flick/kernel";
import { readUpload } from "./aggregates.js";
import { uploadDecider } from "./commands/upload.decider.js";
import { streams, uploadCodec } from "./events.js";
import type { VideoContext } from "./video.context.js";

export interface UploadEndpoint {
  handler: UploadHandler;
  /** Creates the tus resource for a new upload (no-op when it exists). */
  prepare(uploadId: string, sizeBytes: number, expiresAt: Date): Promise<void>;
  /** Bytes received so far; undefined when there is no resource. */
  offset(uploadId: string): Promise<number | undefined>;
  /** Appends UploadReceived once every byte is stored (the endpoint's hook, and CompleteUpload's fallback). */
  markReceived(uploadId: string, sizeBytes: number): Promise<void>;
}

export function createUploadEndpoint(ctx: VideoContext): UploadEndpoint {
  const { settings } = ctx;
  const verifier = ctx.platform.tokens.verifier;
  const blobs = settings.media.blobs;

  const markReceived = async (uploadId: string, sizeBytes: number) => {
    const sha256 = createHash("sha256");
    const read = await ctx.blobs.get(`uploads/${uploadId}`);
    for await (const chunk of read.body) sha256.update(chunk as Buffer);
    const result = await handleCommand(ctx.events, {
      stream: streams.upload(uploadId),
      decider: uploadDecider,
      command: { type: "Receive", sizeBytes: BigInt(sizeBytes), sha256: sha256.digest(), at: ctx.now() },
      requestId: `received-${uploadId}`,
      codec: uploadCodec,
      metadata: { actor: "upload-endpoint" },
    });
    const owner = result.state.userId;
    if (owner) ctx.ryw.note(owner, result.checkpoint);
  };

  const handler = createUploadHandler({
    path: settings.uploadPath,
    datastore: blobs.kind === "s3" ? { kind: "s3", s3: blobs.s3 } : { kind: "file", blobRoot: blobs.root },
    maxBytes: settings.limits.maxBytes,
    ttlMs: settings.uploadTtlMs,
    respectForwardedHeaders: true,
    async authorize(uploadId, token) {
      if (!token) throw new UploadDeniedError("sign in first: send 'Authorization: Bearer <access token>'", 401);
      let userId: string;
      try {
        userId = (verifier.cached(token) ?? (await verifier.verify(token))).userId;
      } catch {
        throw new UploadDeniedError("invalid or expired token", 401);
      }
      const { state } = await readUpload(ctx.events, uploadId);
      if (state.status === "none" || state.userId !== userId) throw new UploadDeniedError("no such upload", 404);
      if (state.status === "expired" || state.expiresAt.getTime() <= ctx.now().getTime()) throw new UploadDeniedError("this upload has expired", 410);
      return { maxBytes: Number(state.sizeBytes), expiresAt: state.expiresAt };
    },
    async onComplete(upload) {
      try {
        await markReceived(upload.uploadId, upload.size);
      } catch (e) {
        // The bytes are stored either way; CompleteUpload checks them again.
        console.error(`upload ${upload.uploadId}: could not record receipt:`, (e as DomainError).message ?? e);
      }
    },
  });

  const tusId = (uploadId: string) => (blobs.kind === "s3" ? `uploads/${uploadId}` : uploadId);

  return {
    handler,
    markReceived,
    async prepare(uploadId, sizeBytes, expiresAt) {
      const store = handler.server.datastore;
      // The blob store tidies emptied directories away: the tus directory must be there.
      if (blobs.kind === "local") await mkdir(join(blobs.root, "uploads"), { recursive: true });
      const existing = await store.getUpload(tusId(uploadId)).catch(() => undefined);
      if (existing) return;
      await store.create(
        new Upload({
          id: tusId(uploadId),
          size: sizeBytes,
          offset: 0,
          metadata: { uploadId, expiresAt: expiresAt.toISOString() },
          creation_date: ctx.now().toISOString(),
        }),
      );
    },
    async offset(uploadId) {
      const u = await handler.server.datastore.getUpload(tusId(uploadId)).catch(() => undefined);
      return u?.offset;
    },
  };
}
