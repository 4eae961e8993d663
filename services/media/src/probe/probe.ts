// ffprobe → a typed description of a media file, with the derived facts the pipeline
// decides on (display size after rotation, bit depth, HDR transfer).
import { runFfprobe, type RunOptions } from "../ffmpeg/ffmpeg.js";

export interface VideoStreamInfo {
  index: number;
  codec: string;
  profile?: string;
  /** H.264/HEVC level as ffprobe reports it (e.g. 31 for 3.1). */
  level?: number;
  pixFmt: string;
  bitDepth: number;
  /** Stored (coded) picture size, before rotation. */
  width: number;
  height: number;
  /** Sample aspect ratio; 1 for square pixels. */
  sar: number;
  /** Display rotation in degrees, normalised to 0/90/180/270. */
  rotation: number;
  /** The container's 3×3 display matrix (tkhd order), when the file carries one. */
  displayMatrix?: number[];
  /** What a viewer sees: rotation and non-square pixels applied. */
  displayWidth: number;
  displayHeight: number;
  fps: number;
  colorTransfer?: string;
  colorPrimaries?: string;
  colorSpace?: string;
  colorRange?: string;
  /** PQ (smpte2084) or HLG (arib-std-b67) transfer: needs tone-mapping to SDR. */
  hdr: boolean;
  frameCount?: number;
  durationSec?: number;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  profile?: string;
  sampleRate: number;
  channels: number;
  durationSec?: number;
}

export interface MediaInfo {
  path: string;
  /** ffprobe's demuxer name list, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  formatName: string;
  /** Container duration; undefined when the file has none (e.g. a still image). */
  durationSec?: number;
  sizeBytes: number;
  bitRate?: number;
  video?: VideoStreamInfo;
  audio?: AudioStreamInfo;
  /** Streams of each type, for diagnostics. */
  streamCount: { video: number; audio: number; other: number };
}

interface RawStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  level?: number;
  pix_fmt?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  color_transfer?: string;
  color_primaries?: string;
  color_space?: string;
  color_range?: string;
  bits_per_raw_sample?: string;
  nb_frames?: string;
  duration?: string;
  sample_rate?: string;
  channels?: number;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number; displaymatrix?: string }[];
}

interface RawProbe {
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string };
  streams?: RawStream[];
}

/** Runs ffprobe on `path`; rejects with FfmpegError when ffprobe cannot read it. */
export async function probeMedia(path: string, opts: RunOptions = {}): Promise<MediaInfo> {
  const json = await runFfprobe(["-print_format", "json", "-show_format", "-show_streams", path], opts);
  return parseProbe(path, JSON.parse(json) as RawProbe);
}

export function parseProbe(path: string, raw: RawProbe): MediaInfo {
  const streams = raw.streams ?? [];
  // A cover picture in an m4a/mp3 is a "video" stream with attached_pic: not a video.
  const videos = streams.filter((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  const audios = streams.filter((s) => s.codec_type === "audio");
  const info: MediaInfo = {
    path,
    formatName: raw.format?.format_name ?? "",
    sizeBytes: num(raw.format?.size) ?? 0,
    streamCount: { video: videos.length, audio: audios.length, other: streams.length - videos.length - audios.length },
  };
  const duration = num(raw.format?.duration);
  if (duration !== undefined) info.durationSec = duration;
  const bitRate = num(raw.format?.bit_rate);
  if (bitRate !== undefined) info.bitRate = bitRate;
  if (videos[0]) info.video = parseVideo(videos[0]);
  if (audios[0]) info.audio = parseAudio(audios[0]);
  return info;
}

function parseVideo(s: RawStream): VideoStreamInfo {
  const width = s.width ?? 0;
  const height = s.height ?? 0;
  const sar = ratio(s.sample_aspect_ratio) || 1;
  const rotation = rotationOf(s);
  const sw = Math.round(width * sar);
  const quarter = rotation === 90 || rotation === 270;
  const pixFmt = s.pix_fmt ?? "";
  const v: VideoStreamInfo = {
    index: s.index,
    codec: s.codec_name ?? "",
    pixFmt,
    bitDepth: bitDepthOf(pixFmt, s.bits_per_raw_sample),
    width,
    height,
    sar,
    rotation,
    displayWidth: quarter ? height : sw,
    displayHeight: quarter ? sw : height,
    // avg_frame_rate is the truth for variable-rate phone video; r_frame_rate is a fallback.
    fps: ratio(s.avg_frame_rate) || ratio(s.r_frame_rate) || 0,
    hdr: s.color_transfer === "smpte2084" || s.color_transfer === "arib-std-b67",
  };
  if (s.profile) v.profile = s.profile;
  if (s.level !== undefined && s.level > 0) v.level = s.level;
  if (s.color_transfer) v.colorTransfer = s.color_transfer;
  if (s.color_primaries) v.colorPrimaries = s.color_primaries;
  if (s.color_space) v.colorSpace = s.color_space;
  if (s.color_range) v.colorRange = s.color_range;
  const frames = num(s.nb_frames);
  if (frames !== undefined) v.frameCount = frames;
  const matrix = parseDisplayMatrix(s.side_data_list?.find((d) => d.displaymatrix)?.displaymatrix);
  if (matrix) v.displayMatrix = matrix;
  const d = num(s.duration);
  if (d !== undefined) v.durationSec = d;
  return v;
}

function parseAudio(s: RawStream): AudioStreamInfo {
  const a: AudioStreamInfo = {
    index: s.index,
    codec: s.codec_name ?? "",
    sampleRate: num(s.sample_rate) ?? 0,
    channels: s.channels ?? 0,
  };
  if (s.profile) a.profile = s.profile;
  const d = num(s.duration);
  if (d !== undefined) a.durationSec = d;
  return a;
}

/**
 * The display matrix (side data) is what players honour; the legacy `rotate` tag is a
 * fallback for old files. Only "a quarter turn or not" matters here (it swaps the display
 * size): ffmpeg's decoder applies the matrix itself (-autorotate, on by default), and
 * stream copy keeps it, so -90 and 270 are normalised alike.
 */
function rotationOf(s: RawStream): number {
  const side = s.side_data_list?.find((d) => d.rotation !== undefined);
  const deg = side?.rotation ?? num(s.tags?.rotate) ?? 0;
  const r = ((Math.round(deg / 90) * 90) % 360 + 360) % 360;
  return r;
}

/** ffprobe prints the matrix as three "0000000N: a b c" rows of 32-bit integers. */
function parseDisplayMatrix(text: string | undefined): number[] | undefined {
  if (!text) return undefined;
  const values = text
    .split("\n")
    .map((l) => l.replace(/^\s*\d+:/, "").trim())
    .filter(Boolean)
    .flatMap((l) => l.split(/\s+/).map(Number));
  return values.length === 9 && values.every(Number.isInteger) ? values : undefined;
}

function bitDepthOf(pixFmt: string, bitsPerRawSample?: string): number {
  const m = /(\d+)(le|be)$/.exec(pixFmt) ?? /^p0(\d\d)/.exec(pixFmt);
  if (m) return Number(m[1]);
  return num(bitsPerRawSample) ?? 8;
}

function ratio(s: string | undefined): number {
  if (!s) return 0;
  const [n, d] = s.split("/").map(Number);
  if (d === undefined) return Number.isFinite(n) ? n! : 0;
  if (!n || !d) return 0;
  return n / d;
}

function num(s: string | number | undefined): number | undefined {
  if (s === undefined || s === "N/A" || s === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}
