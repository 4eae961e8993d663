// Copies a finished (or first-playable) package from the work directory into blob
// storage. Order matters for readers: segments and init files first, then media
// playlists, the master last, so no playlist ever names a file that is not there yet.
import { join } from "node:path";
import type { BlobStore } from "./blob-store.port.js";

export function blobPublisher(store: BlobStore, prefix: string, concurrency = 8) {
  const base = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
  return async (rootDir: string, files: string[]): Promise<void> => {
    const rank = (f: string) => (f.endsWith("master.m3u8") ? 2 : f.endsWith(".m3u8") ? 1 : 0);
    for (const tier of [0, 1, 2]) {
      const todo = files.filter((f) => rank(f) === tier);
      for (let i = 0; i < todo.length; i += concurrency) {
        await Promise.all(todo.slice(i, i + concurrency).map((f) => store.putFile(base + f, join(rootDir, f))));
      }
    }
  };
}
