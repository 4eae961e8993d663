// Media playlists in, master playlist out. ffmpeg's own master states BANDWIDTH from the
// rate cap (or a made-up 140800 for audio under CRF), which misleads players' bitrate
// adaptation: this one is measured from the real segment sizes and durations.
import { readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";

export interface MediaSegment {
  uri: string;
  durationSec: number;
  bytes: number;
}

export interface MediaPlaylist {
  version: number;
  targetDurationSec: number;
  mapUri?: string;
  segments: MediaSegment[];
  ended: boolean;
}

/** Parses an HLS media playlist (the subset ffmpeg writes for VOD: no byte ranges or keys). */
export function parseMediaPlaylist(text: string): Omit<MediaPlaylist, "segments"> & { segments: Omit<MediaSegment, "bytes">[] } {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== "#EXTM3U") throw new Error("not an HLS playlist (no #EXTM3U)");
  let version = 1;
  let target = 0;
  let mapUri: string | undefined;
  let ended = false;
  let pending: number | undefined;
  const segments: { uri: string; durationSec: number }[] = [];
  for (const line of lines) {
    if (line.startsWith("#EXT-X-VERSION:")) version = Number(line.slice(15));
    else if (line.startsWith("#EXT-X-TARGETDURATION:")) target = Number(line.slice(22));
    else if (line.startsWith("#EXT-X-MAP:")) mapUri = /URI="([^"]+)"/.exec(line)?.[1];
    else if (line.startsWith("#EXTINF:")) pending = Number.parseFloat(line.slice(8));
    else if (line === "#EXT-X-ENDLIST") ended = true;
    else if (line && !line.startsWith("#")) {
      if (pending === undefined) throw new Error(`segment ${line} has no #EXTINF`);
      segments.push({ uri: line, durationSec: pending });
      pending = undefined;
    }
  }
  const out: Omit<MediaPlaylist, "segments"> & { segments: Omit<MediaSegment, "bytes">[] } = { version, targetDurationSec: target, segments, ended };
  if (mapUri !== undefined) out.mapUri = mapUri;
  return out;
}

/** Reads a media playlist from disk with each segment's size. */
export async function readMediaPlaylist(path: string): Promise<MediaPlaylist> {
  const parsed = parseMediaPlaylist(await readFile(path, "utf8"));
  const dir = dirname(path);
  const segments = await Promise.all(
    parsed.segments.map(async (s) => ({ ...s, bytes: (await stat(join(dir, s.uri))).size })),
  );
  return { ...parsed, segments };
}

export interface Bitrates {
  /** Bits per second, per RFC 8216 §4.3.4.2 (peak segment bit rate). */
  peak: number;
  average: number;
  durationSec: number;
}

/**
 * Peak as RFC 8216 defines it: the highest bit rate of any run of contiguous segments
 * whose total duration is between 0.5 and 1.5 × the target duration. (Taking single
 * segments would let a 0.1 s tail segment holding one keyframe claim a huge peak.)
 */
export function measureBitrates(p: MediaPlaylist): Bitrates {
  const total = p.segments.reduce((a, s) => a + s.durationSec, 0);
  const bytes = p.segments.reduce((a, s) => a + s.bytes, 0);
  const target = p.targetDurationSec || Math.max(...p.segments.map((s) => s.durationSec), 0);
  let peak = 0;
  for (let i = 0; i < p.segments.length; i++) {
    let d = 0;
    let b = 0;
    for (let j = i; j < p.segments.length; j++) {
      d += p.segments[j]!.durationSec;
      b += p.segments[j]!.bytes;
      if (d > 1.5 * target) break;
      if (d >= 0.5 * target && d > 0) peak = Math.max(peak, (b * 8) / d);
    }
  }
  const average = total > 0 ? (bytes * 8) / total : 0;
  // A playlist too short for any qualifying run (one short segment): its average is its peak.
  return { peak: Math.max(peak, average), average, durationSec: total };
}

/**
 * Renders a media playlist. Flick renders the growing preview itself (instead of
 * publishing ffmpeg's) to add EXT-X-START: players treat an EVENT playlist like live and
 * would otherwise join near its end; TIME-OFFSET=0 makes them start at the beginning.
 */
export function renderMediaPlaylist(
  p: Pick<MediaPlaylist, "version" | "targetDurationSec" | "mapUri"> & { segments: Pick<MediaSegment, "uri" | "durationSec">[] },
  opts: { type: "VOD" | "EVENT"; ended: boolean; startAtZero?: boolean },
): string {
  const lines = [
    "#EXTM3U",
    `#EXT-X-VERSION:${p.version}`,
    `#EXT-X-TARGETDURATION:${p.targetDurationSec}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    `#EXT-X-PLAYLIST-TYPE:${opts.type}`,
    "#EXT-X-INDEPENDENT-SEGMENTS",
  ];
  if (opts.startAtZero) lines.push("#EXT-X-START:TIME-OFFSET=0,PRECISE=YES");
  if (p.mapUri) lines.push(`#EXT-X-MAP:URI="${p.mapUri}"`);
  for (const s of p.segments) lines.push(`#EXTINF:${s.durationSec.toFixed(6)},`, s.uri);
  if (opts.ended) lines.push("#EXT-X-ENDLIST");
  return lines.join("\n") + "\n";
}

export interface VariantEntry {
  uri: string;
  bandwidth: number;
  averageBandwidth: number;
  width: number;
  height: number;
  frameRate: number;
  codecs: string;
  /** GROUP-ID of the audio rendition group, if audio is a separate rendition. */
  audioGroup?: string;
}

export interface AudioEntry {
  groupId: string;
  name: string;
  uri: string;
  channels: number;
}

/** Writes the master playlist text; the first variant is the one most players start with. */
export function renderMasterPlaylist(variants: VariantEntry[], audio?: AudioEntry, version = 7): string {
  const lines = ["#EXTM3U", `#EXT-X-VERSION:${version}`, "#EXT-X-INDEPENDENT-SEGMENTS"];
  if (audio) {
    lines.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${audio.groupId}",NAME="${audio.name}",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="${audio.channels}",URI="${audio.uri}"`,
    );
  }
  for (const v of variants) {
    const attrs = [
      `BANDWIDTH=${Math.ceil(v.bandwidth)}`,
      `AVERAGE-BANDWIDTH=${Math.ceil(v.averageBandwidth)}`,
      `RESOLUTION=${v.width}x${v.height}`,
      `FRAME-RATE=${v.frameRate.toFixed(3)}`,
      `CODECS="${v.codecs}"`,
    ];
    if (v.audioGroup) attrs.push(`AUDIO="${v.audioGroup}"`);
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(",")}`, v.uri);
  }
  return lines.join("\n") + "\n";
}
