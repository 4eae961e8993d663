// Blob store on any S3-compatible service (AWS S3, MinIO, R2, Ceph RGW…) for the
// distributed profile; a CDN in front of the bucket serves playback.
import { createReadStream } from "node:fs";
import { stat as fsStat } from "node:fs/promises";
import { Readable } from "node:stream";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { S3Config } from "../config.js";
import {
  assertValidKey,
  BlobNotFoundError,
  BlobRangeError,
  joinUrl,
  type BlobRead,
  type BlobStat,
  type BlobStore,
  type ByteRange,
  type PutOptions,
} from "./blob-store.port.js";
import { cacheControlFor, contentTypeFor } from "./content-type.js";

export interface S3BlobStoreOptions {
  s3: S3Config;
  /** CDN (or bucket website) base URL that serves the bucket's keys. */
  publicBaseUrl: string;
  /** Optional key prefix inside the bucket, so several deployments can share one. */
  keyPrefix?: string;
  client?: S3Client;
}

/** Single PUTs up to this size; multipart above (S3 caps a PUT at 5 GB, retries hurt earlier). */
const SINGLE_PUT_MAX = 64 * 1024 * 1024;

export function createS3Client(s3: S3Config): S3Client {
  return new S3Client({
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    ...(s3.accessKeyId && s3.secretAccessKey
      ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
      : {}),
  });
}

export function createS3BlobStore(opts: S3BlobStoreOptions): BlobStore {
  const client = opts.client ?? createS3Client(opts.s3);
  const Bucket = opts.s3.bucket;
  const pre = opts.keyPrefix ?? "";
  const full = (key: string, allowPrefix = false) => {
    assertValidKey(key, allowPrefix);
    return pre + key;
  };
  const strip = (k: string) => k.slice(pre.length);

  const headers = (key: string, o?: PutOptions) => ({
    ContentType: o?.contentType ?? contentTypeFor(key),
    CacheControl: o?.cacheControl ?? cacheControlFor(key),
  });

  const statOf = async (key: string): Promise<BlobStat | undefined> => {
    try {
      const h = await client.send(new HeadObjectCommand({ Bucket, Key: full(key) }));
      return {
        key,
        size: h.ContentLength ?? 0,
        etag: h.ETag ?? `"${h.ContentLength}"`,
        lastModified: h.LastModified ?? new Date(0),
        contentType: h.ContentType ?? contentTypeFor(key),
      };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };

  const store: BlobStore = {
    capabilities: { externalUrls: true },

    async put(key, body, o) {
      if (Buffer.isBuffer(body) && body.length <= SINGLE_PUT_MAX) {
        await client.send(new PutObjectCommand({ Bucket, Key: full(key), Body: body, ContentLength: body.length, ...headers(key, o) }));
      } else {
        // Unknown length: multipart upload in parts, streamed.
        await new Upload({ client, params: { Bucket, Key: full(key), Body: body, ...headers(key, o) } }).done();
      }
      return (await statOf(key))!;
    },

    async putFile(key, path, o) {
      const size = (await fsStat(path)).size;
      if (size <= SINGLE_PUT_MAX) {
        await client.send(new PutObjectCommand({ Bucket, Key: full(key), Body: createReadStream(path), ContentLength: size, ...headers(key, o) }));
      } else {
        await new Upload({ client, params: { Bucket, Key: full(key), Body: createReadStream(path), ...headers(key, o) } }).done();
      }
      return (await statOf(key))!;
    },

    async get(key: string, range?: ByteRange): Promise<BlobRead> {
      const s = await statOf(key);
      if (!s) throw new BlobNotFoundError(key);
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? s.size - 1, s.size - 1);
      if (range && (start >= s.size || start < 0 || end < start)) throw new BlobRangeError(key, s.size);
      try {
        const r = await client.send(new GetObjectCommand({
          Bucket,
          Key: full(key),
          // Pin the version we stat'ed: a concurrent overwrite fails the read, not mixes it.
          IfMatch: s.etag,
          ...(range && s.size > 0 ? { Range: `bytes=${start}-${end}` } : {}),
        }));
        const body = r.Body instanceof Readable ? r.Body : Readable.from([]);
        return { body, stat: s, range: { start, end: Math.max(end, start - 1) } };
      } catch (e) {
        if (isNotFound(e)) throw new BlobNotFoundError(key);
        if (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 416) throw new BlobRangeError(key, s.size);
        throw e;
      }
    },

    stat: statOf,

    async *list(prefix: string) {
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: full(prefix, true), ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          if (!o.Key) continue;
          const key = strip(o.Key);
          yield { key, size: o.Size ?? 0, etag: o.ETag ?? "", lastModified: o.LastModified ?? new Date(0), contentType: contentTypeFor(key) };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },

    async deletePrefix(prefix: string) {
      let n = 0;
      let batch: { Key: string }[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch, Quiet: true } }));
        n += batch.length;
        batch = [];
      };
      for await (const s of store.list(prefix)) {
        batch.push({ Key: full(s.key) });
        if (batch.length === 1000) await flush();
      }
      await flush();
      return n;
    },

    publicUrl: (key: string) => {
      assertValidKey(key);
      return joinUrl(opts.publicBaseUrl, pre + key);
    },
  };
  return store;
}

function isNotFound(e: unknown): boolean {
  if (!(e instanceof S3ServiceException)) return false;
  return e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata.httpStatusCode === 404;
}
