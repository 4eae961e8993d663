// Serves HLS packages, thumbnails and sounds from blob storage over HTTP (GET/HEAD with
// byte ranges and validators). In production a CDN sits in front (or serves the bucket
// directly); locally this is what players fetch under /media/.
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { assertValidKey, BlobNotFoundError, BlobRangeError, type BlobStore } from "../blobs/blob-store.port.js";
import { cacheControlFor, contentTypeFor } from "../blobs/content-type.js";
import { parseRange } from "./range.js";

export interface PlaybackHandlerOptions {
  store: BlobStore;
  /** URL path prefix the handler is mounted at, e.g. "/media". */
  mountPath: string;
  /** Key prefix the URL maps to inside the store (default: none). */
  keyPrefix?: string;
}

/**
 * Only published media is served: playlists, segments, covers and sounds (library sounds
 * and imported covers keep the format they came in); never uploads (private, no
 * extension) or stray files.
 */
const SERVED = /\.(m3u8|m4s|mp4|m4a|mp3|wav|webp|jpg|jpeg|png)$/i;

export function createPlaybackHandler(opts: PlaybackHandlerOptions) {
  const mount = opts.mountPath.replace(/\/$/, "");
  const keyPrefix = opts.keyPrefix ?? "";

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Expose-Headers", "Content-Length, Content-Range, Accept-Ranges, ETag");
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "Range, If-None-Match, If-Modified-Since",
        "Access-Control-Max-Age": "86400",
      }).end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD, OPTIONS" }).end();
      return;
    }

    const key = keyFromUrl(req.url ?? "", mount);
    if (key === undefined) {
      res.writeHead(400, { "Content-Type": "text/plain" }).end("Bad path\n");
      return;
    }
    if (!SERVED.test(key) || key.startsWith("uploads/")) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found\n");
      return;
    }

    const stat = await opts.store.stat(keyPrefix + key);
    if (!stat) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found\n");
      return;
    }
    const headers: Record<string, string> = {
      "Content-Type": contentTypeFor(key),
      "Cache-Control": cacheControlFor(key),
      ETag: stat.etag,
      "Last-Modified": stat.lastModified.toUTCString(),
      "Accept-Ranges": "bytes",
    };

    if (notModified(req, stat.etag, stat.lastModified)) {
      res.writeHead(304, headers).end();
      return;
    }

    // If-Range: a range only applies to the version the client already holds.
    const ifRange = req.headers["if-range"];
    const rangeHeader = ifRange && ifRange !== stat.etag ? undefined : req.headers.range;
    const range = parseRange(rangeHeader, stat.size);
    if (range.kind === "unsatisfiable") {
      res.writeHead(416, { ...headers, "Content-Range": `bytes */${stat.size}`, "Content-Type": "text/plain" }).end();
      return;
    }
    const partial = range.kind === "ok";
    const start = partial ? range.start : 0;
    const end = partial ? range.end : stat.size - 1;
    const length = stat.size === 0 ? 0 : end - start + 1;
    if (partial) headers["Content-Range"] = `bytes ${start}-${end}/${stat.size}`;
    headers["Content-Length"] = String(length);

    if (req.method === "HEAD" || length === 0) {
      res.writeHead(partial ? 206 : 200, headers).end();
      return;
    }
    try {
      const read = await opts.store.get(keyPrefix + key, partial ? { start, end } : undefined);
      res.writeHead(partial ? 206 : 200, headers);
      await pipeline(read.body, res);
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof BlobNotFoundError) res.writeHead(404).end();
      else if (e instanceof BlobRangeError) res.writeHead(416, { "Content-Range": `bytes */${e.size}` }).end();
      else throw e;
    }
  };
}

/**
 * The blob key named by a URL under the mount, or undefined for anything that could
 * escape it: encoded slashes or backslashes, "." and ".." segments, NUL, bad escapes.
 */
export function keyFromUrl(url: string, mount: string): string | undefined {
  const path = url.split("?")[0]!.split("#")[0]!;
  if (!path.startsWith(`${mount}/`)) return undefined;
  const rest = path.slice(mount.length + 1);
  if (/%2f|%5c|%00/i.test(rest)) return undefined;
  let key: string;
  try {
    key = rest.split("/").map(decodeURIComponent).join("/");
  } catch {
    return undefined;
  }
  try {
    assertValidKey(key);
  } catch {
    return undefined;
  }
  return key;
}

function notModified(req: IncomingMessage, etag: string, lastModified: Date): boolean {
  const inm = req.headers["if-none-match"];
  if (inm !== undefined) {
    return inm.split(",").map((t) => t.trim().replace(/^W\//, "")).some((t) => t === "*" || t === etag);
  }
  const ims = req.headers["if-modified-since"];
  if (ims) {
    const t = Date.parse(ims);
    return Number.isFinite(t) && Math.floor(lastModified.getTime() / 1000) * 1000 <= t;
  }
  return false;
}
