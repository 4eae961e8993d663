// Validation before any encode: every refusal is a MediaRejectedError with a reason the
// uploader can read. Order matters: cheap checks first (size, magic bytes), then ffprobe,
// then a packet scan that catches truncated files ffprobe alone accepts.
import { stat } from "node:fs/promises";
import type { MediaLimits } from "../config.js";
import { FfmpegError, runFfprobe, type RunOptions } from "../ffmpeg/ffmpeg.js";
import { MediaRejectedError } from "./errors.js";
import { probeMedia, type MediaInfo } from "./probe.js";
import { sniffFile, type Sniffed } from "./sniff.js";

export type SourceKind = "upload" | "import";

export interface ValidatedSource {
  info: MediaInfo & { video: NonNullable<MediaInfo["video"]>; durationSec: number };
  sniffed: Sniffed;
  /** Duration the packets actually cover (the container's claim is checked against it). */
  measuredDurationSec: number;
}

/** Demuxers (ffprobe format_name entries) we accept. Everything else is refused by name. */
const FORMAT_ALLOWLIST = new Set(["mov", "mp4", "matroska", "webm", "avi", "mpegts"]);
const VIDEO_CODEC_ALLOWLIST = new Set(["h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "mpeg2video", "prores", "mjpeg"]);
/** Codecs (and demuxers) of still pictures: the "photo renamed .mp4" case. */
const IMAGE_CODECS = new Set(["png", "apng", "gif", "webp", "bmp", "tiff", "jpeg2000", "jpegls", "pgm", "ppm", "pam", "qoi", "libjxl", "jpegxl"]);

export async function validateSource(
  path: string,
  limits: MediaLimits,
  kind: SourceKind = "upload",
  opts: RunOptions = {},
): Promise<ValidatedSource> {
  const size = (await stat(path)).size;
  if (size === 0) throw new MediaRejectedError("NOT_MEDIA", "The file is empty.");
  if (size > limits.maxBytes) {
    throw new MediaRejectedError("TOO_LARGE", `The file is ${mb(size)}; the limit is ${mb(limits.maxBytes)}.`);
  }

  const sniffed = await sniffFile(path);
  if (sniffed.kind === "image") throw imageError(sniffed.format);

  let info: MediaInfo;
  try {
    info = await probeMedia(path, opts);
  } catch (e) {
    if (!(e instanceof FfmpegError)) throw e;
    // ffprobe cannot open it. A recognisable container header means a damaged video
    // (typically an upload cut short with the index at the end); otherwise it is not media.
    if (sniffed.kind === "video-container") {
      throw new MediaRejectedError("CORRUPT", "The video is incomplete or damaged. Please upload it again.", e.stderrTail);
    }
    throw new MediaRejectedError("NOT_MEDIA", "This file is not a video we can read.", e.stderrTail);
  }

  const formats = info.formatName.split(",");
  const video = info.video;
  if (!video) {
    if (formats.some((f) => f.endsWith("_pipe") || f === "image2" || f === "gif")) throw imageError(formats[0]!);
    throw new MediaRejectedError("NO_VIDEO", "The file has no video track (is it an audio file?).", info.formatName);
  }
  if (IMAGE_CODECS.has(video.codec) || formats.some((f) => f.endsWith("_pipe") || f === "image2" || f === "gif")) {
    throw imageError(video.codec);
  }
  if (!formats.some((f) => FORMAT_ALLOWLIST.has(f))) {
    throw new MediaRejectedError("UNSUPPORTED_FORMAT", "This video format is not supported. Use MP4, MOV or WebM.", info.formatName);
  }
  if (!VIDEO_CODEC_ALLOWLIST.has(video.codec)) {
    throw new MediaRejectedError("UNSUPPORTED_FORMAT", `Video encoded as ${video.codec} is not supported. Use H.264, HEVC, VP9 or AV1.`, video.codec);
  }
  if (video.width <= 0 || video.height <= 0) {
    throw new MediaRejectedError("CORRUPT", "The video is incomplete or damaged. Please upload it again.", "no picture size");
  }

  // Packet scan: what the file really contains, not what its header claims. A file cut
  // short after a front-loaded index probes fine and then encodes to a short video.
  const measured = await measureVideoPackets(path, opts);
  if (measured.packets <= 1) throw imageError(video.codec);
  const declared = info.durationSec ?? video.durationSec;
  const duration = declared ?? measured.endSec;
  const shortfall = duration - measured.endSec;
  if (shortfall > Math.max(limits.durationToleranceSec, duration * 0.03)) {
    throw new MediaRejectedError(
      "CORRUPT",
      "The video is incomplete (the file was cut short). Please upload it again.",
      `header says ${duration.toFixed(2)} s, packets end at ${measured.endSec.toFixed(2)} s`,
    );
  }

  const maxDuration = kind === "import" ? limits.importMaxDurationSec : limits.maxDurationSec;
  if (duration + limits.durationToleranceSec < limits.minDurationSec) {
    throw new MediaRejectedError("TOO_SHORT", `The video is ${duration.toFixed(1)} s long; it must be at least ${limits.minDurationSec} s.`);
  }
  if (duration - limits.durationToleranceSec > maxDuration) {
    throw new MediaRejectedError("TOO_LONG", `The video is ${duration.toFixed(1)} s long; the limit is ${maxDuration} s.`);
  }

  const short = Math.min(video.displayWidth, video.displayHeight);
  const long = Math.max(video.displayWidth, video.displayHeight);
  if (short < limits.minShortSide) {
    throw new MediaRejectedError("RESOLUTION_TOO_LOW", `The video is ${video.displayWidth}×${video.displayHeight}; it must be at least ${limits.minShortSide} pixels on its short side.`);
  }
  if (long > limits.maxLongSide) {
    throw new MediaRejectedError("RESOLUTION_TOO_HIGH", `The video is ${video.displayWidth}×${video.displayHeight}; the limit is ${limits.maxLongSide} pixels on its long side.`);
  }

  return { info: { ...info, video, durationSec: duration }, sniffed, measuredDurationSec: measured.endSec };
}

/** Reads every video packet's timing (demux only, no decode: ~0.1 s for a 60 s clip). */
export async function measureVideoPackets(path: string, opts: RunOptions = {}): Promise<{ packets: number; endSec: number }> {
  let out: string;
  try {
    out = await runFfprobe(["-select_streams", "v:0", "-show_entries", "packet=pts_time,dts_time,duration_time", "-of", "csv=p=0", path], opts);
  } catch (e) {
    if (e instanceof FfmpegError) throw new MediaRejectedError("CORRUPT", "The video is incomplete or damaged. Please upload it again.", e.stderrTail);
    throw e;
  }
  let packets = 0;
  let start = Infinity;
  let end = 0;
  for (const line of out.split("\n")) {
    if (!line.trim()) continue;
    packets++;
    const [pts, dts, dur] = line.split(",").map((x) => Number.parseFloat(x));
    const t = Number.isFinite(pts) ? pts! : Number.isFinite(dts) ? dts! : NaN;
    if (!Number.isFinite(t)) continue;
    start = Math.min(start, t);
    end = Math.max(end, t + (Number.isFinite(dur) ? dur! : 0));
  }
  // Relative to the first packet: MPEG-TS and edited MP4s do not start at zero.
  return { packets, endSec: packets > 0 && Number.isFinite(start) ? end - Math.min(start, end) : 0 };
}

function imageError(format: string): MediaRejectedError {
  return new MediaRejectedError("IMAGE_NOT_VIDEO", `This is a picture (${format.toUpperCase()}), not a video. Please upload a video file.`, format);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
