// Resumable uploads (tus 1.0, @tus/server) straight into blob storage. InitUpload issues
// an upload id; the client creates the tus upload with that id in its metadata and its
// bearer token, and every request (create, resume, patch) is authorised against it.
// The upload's bytes land at the blob key `uploads/<uploadId>` in either datastore, so
// the media worker finds them the same way on every profile.
import type { IncomingMessage, ServerResponse } from "node:http";
import { FileStore } from "@tus/file-store";
import { S3Store } from "@tus/s3-store";
import { Server, type Upload } from "@tus/server";
import type { S3Config } from "../config.js";

export const UPLOADS_PREFIX = "uploads/";

export interface UploadGrant {
  /** Largest upload this id may send (InitUpload's declared size, within the platform cap). */
  maxBytes: number;
  expiresAt: Date;
}

/** Thrown by `authorize` to refuse; status 401 (no/bad token) or 403 (not yours). */
export class UploadDeniedError extends Error {
  override name = "UploadDeniedError";
  constructor(message: string, readonly status: 401 | 403 | 404 | 410 = 403) {
    super(message);
  }
}

export interface CompletedUpload {
  uploadId: string;
  size: number;
  /** Blob key of the bytes (same on every datastore). */
  blobKey: string;
  metadata: Record<string, string>;
}

export type UploadDatastore =
  /** Directory of the local blob store: the tus files go to `<blobRoot>/uploads/`. */
  | { kind: "file"; blobRoot: string }
  | { kind: "s3"; s3: S3Config; keyPrefix?: string; partSizeBytes?: number };

export interface UploadHandlerOptions {
  /** Path the handler is mounted at, e.g. "/uploads". */
  path: string;
  datastore: UploadDatastore;
  /** Supplied by the Upload aggregate's side: is this token allowed to upload to this id? */
  authorize: (uploadId: string, bearerToken: string | undefined) => Promise<UploadGrant>;
  /** Called once the last byte is stored (before the client's final PATCH is answered). */
  onComplete: (upload: CompletedUpload) => Promise<void>;
  /** Platform cap, whatever a grant says. */
  maxBytes: number;
  /** Abandoned uploads older than this are removed by sweep(). */
  ttlMs: number;
  /** Behind Envoy: build Location from X-Forwarded-Proto/Host. */
  respectForwardedHeaders?: boolean;
  allowedOrigins?: string[];
}

export interface UploadHandler {
  /** Node (req, res) handler; mount it at `path` (e.g. through connect-node's fallback). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Removes incomplete uploads past their grant's expiry or the TTL; returns how many. */
  sweep(now?: Date): Promise<number>;
  /** Deletes an upload's bytes (after the worker has taken them). */
  remove(uploadId: string): Promise<void>;
  server: Server;
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{1,128}$/;

type TusRequest = Parameters<NonNullable<ConstructorParameters<typeof Server>[0]["onIncomingRequest"]>>[0];

function reject(status_code: number, body: string): { status_code: number; body: string } {
  return { status_code, body: body.endsWith("\n") ? body : `${body}\n` };
}

export function createUploadHandler(opts: UploadHandlerOptions): UploadHandler {
  // The tus id is the upload id, with the S3 key prefix in front so the object lands at
  // `<keyPrefix>uploads/<uploadId>`; URLs carry only the upload id.
  const idPrefix = opts.datastore.kind === "s3" ? `${opts.datastore.keyPrefix ?? ""}${UPLOADS_PREFIX}` : "";
  const datastore =
    opts.datastore.kind === "file"
      ? new FileStore({ directory: `${opts.datastore.blobRoot.replace(/\/$/, "")}/${UPLOADS_PREFIX.slice(0, -1)}`, expirationPeriodInMilliseconds: opts.ttlMs })
      : new S3Store({
          partSize: opts.datastore.partSizeBytes ?? 8 * 1024 * 1024,
          expirationPeriodInMilliseconds: opts.ttlMs,
          s3ClientConfig: {
            bucket: opts.datastore.s3.bucket,
            region: opts.datastore.s3.region,
            forcePathStyle: opts.datastore.s3.forcePathStyle,
            ...(opts.datastore.s3.endpoint ? { endpoint: opts.datastore.s3.endpoint } : {}),
            ...(opts.datastore.s3.accessKeyId && opts.datastore.s3.secretAccessKey
              ? { credentials: { accessKeyId: opts.datastore.s3.accessKeyId, secretAccessKey: opts.datastore.s3.secretAccessKey } }
              : {}),
          },
        });

  const uploadIdOf = (tusId: string) => tusId.slice(idPrefix.length);

  // One authorisation per HTTP request: tus asks for the size cap and for access
  // separately, in an order that differs between POST and PATCH.
  const grants = new WeakMap<object, Promise<UploadGrant>>();
  const grantFor = (req: TusRequest, tusId: string): Promise<UploadGrant> => {
    let g = grants.get(req);
    if (!g) {
      const auth = req.headers.get("authorization") ?? undefined;
      const token = auth && /^Bearer\s+(.+)$/i.exec(auth)?.[1];
      g = opts.authorize(uploadIdOf(tusId), token || undefined).catch((e: unknown) => {
        if (e instanceof UploadDeniedError) throw reject(e.status, e.message);
        throw e;
      });
      grants.set(req, g);
    }
    return g;
  };

  const server = new Server({
    path: opts.path.replace(/\/$/, ""),
    datastore,
    respectForwardedHeaders: opts.respectForwardedHeaders ?? false,
    ...(opts.allowedOrigins ? { allowedOrigins: opts.allowedOrigins } : {}),
    // The client names its upload by the id InitUpload gave it.
    namingFunction: (_req, metadata) => {
      const id = metadata?.uploadId ?? "";
      if (!UPLOAD_ID.test(id)) throw reject(400, "Upload-Metadata must carry the uploadId issued by InitUpload");
      return idPrefix + id;
    },
    generateUrl: (_req, { proto, host, path, id }) => `${proto}://${host}${path}/${encodeURIComponent(uploadIdOf(id))}`,
    getFileIdFromRequest: (_req, lastPath) => (lastPath && UPLOAD_ID.test(lastPath) ? idPrefix + lastPath : undefined),
    maxSize: async (req, id) => {
      if (id === null) return opts.maxBytes;
      const g = await grantFor(req, id);
      return Math.min(opts.maxBytes, g.maxBytes);
    },
    onIncomingRequest: async (req, id) => {
      const g = await grantFor(req, id);
      if (g.expiresAt.getTime() <= Date.now()) throw reject(410, "This upload has expired; start a new one");
    },
    onUploadCreate: async (req, upload) => {
      if (upload.sizeIsDeferred) throw reject(400, "Upload-Length is required");
      const existing = await datastore.getUpload(upload.id).catch(() => undefined);
      if (existing) throw reject(409, "This upload already exists; resume it with HEAD and PATCH");
      const g = await grantFor(req, upload.id);
      return { metadata: { ...upload.metadata, uploadId: uploadIdOf(upload.id), expiresAt: g.expiresAt.toISOString() } };
    },
    onUploadFinish: async (_req, upload) => {
      await opts.onComplete(completed(upload));
      return {};
    },
  });

  const completed = (u: Upload): CompletedUpload => {
    const uploadId = uploadIdOf(u.id);
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(u.metadata ?? {})) if (v !== null) metadata[k] = v;
    return { uploadId, size: u.size ?? u.offset, blobKey: `${UPLOADS_PREFIX}${uploadId}`, metadata };
  };

  return {
    server,
    async handle(req, res) {
      // Uploads are private: the worker reads them from storage, nobody downloads them here.
      if (req.method === "GET") {
        res.writeHead(405, { Allow: "HEAD, POST, PATCH, DELETE, OPTIONS" }).end();
        return;
      }
      await server.handle(req, res);
    },
    async sweep(now = new Date()) {
      if (datastore instanceof FileStore) {
        // The file store also knows each grant's own expiry (kept in the metadata).
        let removed = 0;
        const ids = (await datastore.configstore.list?.()) ?? [];
        for (const id of ids) {
          // getUpload, not the config record: the record keeps the offset of creation
          // time, the real offset is the size of the bytes on disk.
          const u = await datastore.getUpload(id).catch(() => undefined);
          if (!u || u.size === u.offset) continue;
          const grantExpiry = u.metadata?.expiresAt ? Date.parse(u.metadata.expiresAt) : Infinity;
          const ttlExpiry = u.creation_date ? Date.parse(u.creation_date) + opts.ttlMs : Infinity;
          if (Math.min(grantExpiry, ttlExpiry) <= now.getTime()) {
            await datastore.remove(id).catch(() => undefined);
            removed++;
          }
        }
        return removed;
      }
      return datastore.deleteExpired();
    },
    async remove(uploadId) {
      if (!UPLOAD_ID.test(uploadId)) throw new Error(`invalid upload id ${uploadId}`);
      await datastore.remove(idPrefix + uploadId);
    },
  };
}
