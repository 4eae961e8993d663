// Boot-time check: the media service refuses to start on an ffmpeg that would fail every
// job later, and says exactly what is missing and how to get it.
import { spawn } from "node:child_process";
import { defaultBinaries, type FfmpegBinaries } from "./ffmpeg.js";

export interface FfmpegCheck {
  ok: boolean;
  ffmpegVersion?: string;
  ffprobeVersion?: string;
  /** libavcodec major: 59 is ffmpeg 5.x, 60 is 6.x … (works for git builds too). */
  libavcodecMajor?: number;
  /** Missing and required: jobs cannot run. */
  missing: string[];
  /** Missing and optional: the named feature is refused, everything else works. */
  degraded: string[];
}

/** ffmpeg 5.0 shipped libavcodec 59. */
const MIN_LIBAVCODEC = 59;
const REQUIRED_ENCODERS = ["libx264", "aac"];
const REQUIRED_FILTERS = ["scale", "pad", "split", "fps", "format", "setpts", "atempo", "anullsrc", "aformat", "concat", "amix", "hstack", "overlay", "chromakey", "eq", "colorchannelmixer", "curves", "trim", "atrim"];
const OPTIONAL = [
  { kind: "filters", name: "zscale", feature: "HDR tone-mapping (zscale, from libzimg)" },
  { kind: "filters", name: "tonemap", feature: "HDR tone-mapping (tonemap)" },
  { kind: "encoders", name: "libwebp", feature: "WebP thumbnails (falls back to JPEG)" },
] as const;

const INSTALL_HINT = "install it from the system package manager, e.g. `apt-get install -y ffmpeg` (Debian 12 ships 5.1 with libx264, aac, libwebp and zscale)";

export async function checkFfmpeg(binaries: FfmpegBinaries = defaultBinaries): Promise<FfmpegCheck> {
  const missing: string[] = [];
  const degraded: string[] = [];
  const result: FfmpegCheck = { ok: false, missing, degraded };

  const version = await capture(binaries.ffmpeg, ["-hide_banner", "-version"]);
  if (version === undefined) {
    missing.push(`ffmpeg not found or not runnable as "${binaries.ffmpeg}": ${INSTALL_HINT}`);
    return result;
  }
  result.ffmpegVersion = /ffmpeg version (\S+)/.exec(version)?.[1] ?? "unknown";
  const avcodec = /libavcodec\s+(\d+)\./.exec(version);
  if (avcodec) result.libavcodecMajor = Number(avcodec[1]);
  if (!avcodec || Number(avcodec[1]) < MIN_LIBAVCODEC) {
    missing.push(`ffmpeg ≥ 5 is required (found ${result.ffmpegVersion}, libavcodec ${avcodec?.[1] ?? "?"}): ${INSTALL_HINT}`);
  }

  const probe = await capture(binaries.ffprobe, ["-hide_banner", "-version"]);
  if (probe === undefined) missing.push(`ffprobe not found or not runnable as "${binaries.ffprobe}": ${INSTALL_HINT}`);
  else result.ffprobeVersion = /ffprobe version (\S+)/.exec(probe)?.[1] ?? "unknown";

  const encoders = names(await capture(binaries.ffmpeg, ["-hide_banner", "-encoders"]));
  const filters = names(await capture(binaries.ffmpeg, ["-hide_banner", "-filters"]));
  for (const e of REQUIRED_ENCODERS) {
    if (!encoders.has(e)) missing.push(`ffmpeg encoder "${e}" is missing (ffmpeg must be built with ${e === "libx264" ? "--enable-gpl --enable-libx264" : "its native aac encoder"}): ${INSTALL_HINT}`);
  }
  for (const f of REQUIRED_FILTERS) {
    if (!filters.has(f)) missing.push(`ffmpeg filter "${f}" is missing: ${INSTALL_HINT}`);
  }
  for (const o of OPTIONAL) {
    const set = o.kind === "filters" ? filters : encoders;
    if (!set.has(o.name)) degraded.push(`${o.feature}: ffmpeg has no "${o.name}"`);
  }
  result.ok = missing.length === 0;
  return result;
}

export class FfmpegUnavailableError extends Error {
  constructor(readonly check: FfmpegCheck) {
    super(`ffmpeg is not usable for Flick media:\n  - ${check.missing.join("\n  - ")}`);
    this.name = "FfmpegUnavailableError";
  }
}

/** For the service's boot: throws FfmpegUnavailableError listing everything missing. */
export async function assertFfmpeg(binaries: FfmpegBinaries = defaultBinaries): Promise<FfmpegCheck> {
  const check = await checkFfmpeg(binaries);
  if (!check.ok) throw new FfmpegUnavailableError(check);
  return check;
}

/** Names in `ffmpeg -encoders` / `-filters` listings: " V..... libx264   description". */
function names(listing: string | undefined): Set<string> {
  const set = new Set<string>();
  for (const line of (listing ?? "").split("\n")) {
    const m = /^\s*[A-Z.|]{3,6}\s+(\S+)\s/.exec(line);
    if (m) set.add(m[1]!);
  }
  return set;
}

function capture(bin: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (c: string) => (out += c));
    child.on("error", () => resolve(undefined));
    child.on("close", (code) => resolve(code === 0 ? out : undefined));
  });
}
