// Blob store in a local directory (embedded and server profiles). Keys map to paths
// under the root; writes go to a temporary file renamed into place, so a reader never
// sees half an object.
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, readdir, rename, rm, rmdir, stat as fsStat, unlink, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
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
import { contentTypeFor } from "./content-type.js";

export interface LocalBlobStoreOptions {
  root: string;
  /** Base URL of the playback route (or a CDN in front of it), e.g. "/media". */
  publicBaseUrl: string;
}

const TMP_PREFIX = ".tmp-";

export function createLocalBlobStore(opts: LocalBlobStoreOptions): BlobStore {
  const root = resolve(opts.root);

  const pathOf = (key: string, allowPrefix = false) => {
    assertValidKey(key, allowPrefix);
    const p = resolve(root, key);
    // Belt and braces on top of key validation: never leave the root.
    if (p !== root && !p.startsWith(root + sep)) throw new BlobNotFoundError(key);
    return p;
  };

  const statOf = async (key: string): Promise<BlobStat | undefined> => {
    try {
      const s = await fsStat(pathOf(key));
      if (!s.isFile()) return undefined;
      return {
        key,
        size: s.size,
        // Every write renames a new file into place, so the inode changes with the content.
        etag: `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}-${s.ino.toString(16)}"`,
        lastModified: s.mtime,
        contentType: contentTypeFor(key),
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
      throw e;
    }
  };

  const tmpFor = (path: string) => join(dirname(path), `${TMP_PREFIX}${randomBytes(6).toString("hex")}`);

  async function* walk(dir: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return;
      throw e;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(TMP_PREFIX)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) yield* walk(p);
      else if (e.isFile()) yield p;
    }
  }

  const store: BlobStore = {
    capabilities: { externalUrls: false },

    async put(key: string, body: Readable | Buffer, _opts?: PutOptions) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = tmpFor(path);
      try {
        if (Buffer.isBuffer(body)) await writeFile(tmp, body);
        else await pipeline(body, createWriteStream(tmp));
        await rename(tmp, path);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      return (await statOf(key))!;
    },

    async putFile(key: string, file: string, _opts?: PutOptions) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = tmpFor(path);
      try {
        await copyFile(file, tmp);
        await rename(tmp, path);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      return (await statOf(key))!;
    },

    async get(key: string, range?: ByteRange): Promise<BlobRead> {
      const s = await statOf(key);
      if (!s) throw new BlobNotFoundError(key);
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? s.size - 1, s.size - 1);
      if (range && (start >= s.size || start < 0 || end < start)) throw new BlobRangeError(key, s.size);
      const body = s.size === 0 ? createReadStream(pathOf(key)) : createReadStream(pathOf(key), { start, end });
      return { body, stat: s, range: { start, end: Math.max(end, start - 1) } };
    },

    stat: statOf,

    async *list(prefix: string) {
      const base = pathOf(prefix, true);
      // Start from the deepest directory the prefix names; filter by the rest.
      const dir = prefix === "" || prefix.endsWith("/") ? base : dirname(base);
      for await (const p of walk(dir)) {
        const key = relative(root, p).split(sep).join("/");
        if (!key.startsWith(prefix)) continue;
        const s = await statOf(key);
        if (s) yield s;
      }
    },

    async deletePrefix(prefix: string) {
      const keys: string[] = [];
      for await (const s of store.list(prefix)) keys.push(s.key);
      for (const k of keys) await unlink(pathOf(k)).catch(() => undefined);
      // Tidy the directories the prefix emptied (best effort; a concurrent writer wins).
      const dirs = new Set(keys.map((k) => dirname(pathOf(k))));
      for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
        let x = d;
        while (x !== root && x.startsWith(root + sep)) {
          try {
            await rmdir(x);
          } catch {
            break;
          }
          x = dirname(x);
        }
      }
      return keys.length;
    },

    publicUrl: (key: string) => {
      assertValidKey(key);
      return joinUrl(opts.publicBaseUrl, key);
    },
  };
  return store;
}
