// Blob storage for uploads and HLS packages. Shaped for the most restrictive engine (S3):
// flat keys with "/" as a convention, whole-object writes, ranged reads, prefix listing.
import type { Readable } from "node:stream";

export interface BlobStat {
  key: string;
  size: number;
  /** Opaque validator for HTTP caching (quoted, as in an ETag header). */
  etag: string;
  lastModified: Date;
  contentType: string;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive; absent means to the end. */
  end?: number;
}

export interface BlobRead {
  body: Readable;
  stat: BlobStat;
  /** The bytes actually returned, inclusive (the whole object when no range was asked). */
  range: { start: number; end: number };
}

export interface PutOptions {
  /** Defaults to the type implied by the key's extension. */
  contentType?: string;
  cacheControl?: string;
}

export interface BlobCapabilities {
  /** Has a real public/CDN URL (otherwise publicUrl points at Flick's playback route). */
  externalUrls: boolean;
}

export interface BlobStore {
  readonly capabilities: BlobCapabilities;
  /** Writes a whole object from a stream or buffer; readers see the old object or the new one, never a mix. */
  put(key: string, body: Readable | Buffer, opts?: PutOptions): Promise<BlobStat>;
  putFile(key: string, path: string, opts?: PutOptions): Promise<BlobStat>;
  /** Throws BlobNotFoundError; a range past the end throws BlobRangeError. */
  get(key: string, range?: ByteRange): Promise<BlobRead>;
  stat(key: string): Promise<BlobStat | undefined>;
  /** Every object under the prefix, in key order. */
  list(prefix: string): AsyncIterable<BlobStat>;
  /** Deletes every object under the prefix; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** URL a client fetches the object from (CDN base URL + key). */
  publicUrl(key: string): string;
}

export class BlobNotFoundError extends Error {
  override name = "BlobNotFoundError";
  constructor(readonly key: string) {
    super(`blob not found: ${key}`);
  }
}

export class BlobRangeError extends Error {
  override name = "BlobRangeError";
  constructor(readonly key: string, readonly size: number) {
    super(`range not satisfiable for ${key} (size ${size})`);
  }
}

export class InvalidBlobKeyError extends Error {
  override name = "InvalidBlobKeyError";
  constructor(readonly key: string) {
    super(`invalid blob key: ${JSON.stringify(key)}`);
  }
}

/**
 * Keys are relative, "/"-separated, without empty, "." or ".." segments, backslashes or
 * control characters: the same key is then safe as a file path and as an S3 key.
 */
export function assertValidKey(key: string, allowPrefix = false): void {
  if (typeof key !== "string" || key.length === 0 || key.length > 1024) {
    if (!(allowPrefix && key === "")) throw new InvalidBlobKeyError(key);
    return;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key) || key.startsWith("/")) throw new InvalidBlobKeyError(key);
  const parts = key.split("/");
  const last = parts.length - 1;
  parts.forEach((p, i) => {
    if (p === "." || p === "..") throw new InvalidBlobKeyError(key);
    if (p === "" && !(allowPrefix && i === last)) throw new InvalidBlobKeyError(key);
  });
}

/** Joins a base URL and a key, percent-encoding each key segment. */
export function joinUrl(base: string, key: string): string {
  const b = base.endsWith("/") ? base.slice(0, -1) : base;
  return `${b}/${key.split("/").map(encodeURIComponent).join("/")}`;
}
