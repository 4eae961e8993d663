// The already-transcoded media every simulated video reuses: one HLS package (master and
// one 720p rendition), a cover image and an audio track, staged once in the server's blob
// directory so that ImportVideos and ImportLibrarySound find them. Playback is not what
// the simulator measures, so the package is the smallest the import accepts.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export const assetKeys = {
  master: "sim/media/master.m3u8",
  rendition: "sim/media/720p/playlist.m3u8",
  thumbnail: "sim/media/cover.jpg",
  audio: "sim/media/track.wav",
} as const;

/** Length of the staged audio track (ImportLibrarySound checks duration_ms against it). */
export const AUDIO_DURATION_MS = 10_000;

const master = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=720x1280,CODECS="avc1.64001f,mp4a.40.2"
720p/playlist.m3u8
`;

const rendition = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init.mp4"
#EXTINF:4.000,
seg-000.m4s
#EXT-X-ENDLIST
`;

// A 9×16 dark JPEG.
const cover = Buffer.from(
  "/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgUFBcUFxsbGxsbGyAeICEhISAgICAhISEkJCQqKiokJCQhISQkKCgqKi4vLisrKisvLzIyMjw8OTlGRkhWVmf/xABMAAEBAAAAAAAAAAAAAAAAAAAABwEBAQAAAAAAAAAAAAAAAAAAAwQQAQAAAAAAAAAAAAAAAAAAAAARAQAAAAAAAAAAAAAAAAAAAAD/wAARCAAQAAgDASIAAhEAAxEA/9oADAMBAAIRAxEAPwCUALgv/9k=",
  "base64",
);

/** Silence as 8 kHz mono 8-bit PCM WAV (a format every prober reads). */
export function silentWav(durationMs: number): Buffer {
  const rate = 8000;
  const samples = Math.round((rate * durationMs) / 1000);
  const b = Buffer.alloc(44 + samples, 0x80);
  b.write("RIFF", 0, "ascii");
  b.writeUInt32LE(36 + samples, 4);
  b.write("WAVE", 8, "ascii");
  b.write("fmt ", 12, "ascii");
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate, 28); // bytes per second
  b.writeUInt16LE(1, 32); // block align
  b.writeUInt16LE(8, 34); // bits per sample
  b.write("data", 36, "ascii");
  b.writeUInt32LE(samples, 40);
  return b;
}

/** Writes the shared media under `blobDir` (a local blob store's root). Idempotent. */
export async function stageAssets(blobDir: string): Promise<void> {
  const files: [string, string | Buffer][] = [
    [assetKeys.master, master],
    [assetKeys.rendition, rendition],
    [assetKeys.thumbnail, cover],
    [assetKeys.audio, silentWav(AUDIO_DURATION_MS)],
  ];
  for (const [key, body] of files) {
    const path = join(blobDir, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }
}
