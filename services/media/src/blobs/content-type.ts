// Content types and cache policy by file name, shared by blob writes and playback.

const TYPES: Record<string, string> = {
  m3u8: "application/vnd.apple.mpegurl",
  m4s: "video/iso.segment",
  mp4: "video/mp4",
  m4a: "audio/mp4",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  webp: "image/webp",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  json: "application/json",
};

export function contentTypeFor(key: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(key)?.[1]?.toLowerCase();
  return (ext && TYPES[ext]) || "application/octet-stream";
}

/**
 * Master playlists change (first playable → full ladder) and the preview playlist grows
 * while the preview encodes; everything else is written once and never changes.
 */
export const MASTER_CACHE = "public, max-age=5, stale-while-revalidate=30";
export const GROWING_CACHE = "public, max-age=1";
export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";

export function cacheControlFor(key: string): string {
  if (/(^|\/)master\.m3u8$/.test(key)) return MASTER_CACHE;
  if (/(^|\/)preview\/[^/]+\.m3u8$/.test(key)) return GROWING_CACHE;
  return IMMUTABLE_CACHE;
}
