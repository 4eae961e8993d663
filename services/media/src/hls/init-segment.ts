// Small ISO-BMFF readers/writers for fMP4 init segments (init.mp4): the codec string from
// avcC, and the track display matrix. ffmpeg 5.1's HLS muxer drops the source's display
// matrix when stream-copying, so a phone video stored sideways (most iPhone clips) would
// play sideways; writing the source's matrix back into tkhd fixes that without an encode.
import { readFile, writeFile } from "node:fs/promises";

interface Box {
  type: string;
  start: number;
  /** First byte after the header. */
  body: number;
  end: number;
}

const CONTAINERS = new Set(["moov", "trak", "mdia", "minf", "stbl", "edts", "dinf", "mvex"]);

function* boxes(buf: Buffer, from: number, to: number): Generator<Box> {
  let p = from;
  while (p + 8 <= to) {
    let size = buf.readUInt32BE(p);
    const type = buf.toString("latin1", p + 4, p + 8);
    let header = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(p + 8));
      header = 16;
    } else if (size === 0) {
      size = to - p;
    }
    if (size < header || p + size > to) return;
    yield { type, start: p, body: p + header, end: p + size };
    p += size;
  }
}

function find(buf: Buffer, path: string[], from = 0, to = buf.length): Box[] {
  const [head, ...rest] = path;
  const out: Box[] = [];
  for (const b of boxes(buf, from, to)) {
    if (b.type !== head) continue;
    if (rest.length === 0) out.push(b);
    else if (CONTAINERS.has(b.type)) out.push(...find(buf, rest, b.body, b.end));
  }
  return out;
}

function isVideoTrak(buf: Buffer, trak: Box): boolean {
  const hdlr = find(buf, ["mdia", "hdlr"], trak.body, trak.end)[0];
  // hdlr: version/flags(4) pre_defined(4) handler_type(4)
  return !!hdlr && buf.toString("latin1", hdlr.body + 8, hdlr.body + 12) === "vide";
}

/** RFC 6381 codec string of the video track, e.g. "avc1.64001f", from the avcC box. */
export async function avcCodecString(initPath: string): Promise<string | undefined> {
  const buf = await readFile(initPath);
  const i = buf.indexOf("avcC", 0, "latin1");
  // avcC body: configurationVersion, AVCProfileIndication, profile_compatibility, AVCLevelIndication
  if (i < 0 || i + 8 > buf.length) return undefined;
  const hex = (b: number) => b.toString(16).padStart(2, "0");
  return `avc1.${hex(buf[i + 5]!)}${hex(buf[i + 6]!)}${hex(buf[i + 7]!)}`;
}

/** Writes a 3×3 display matrix (ffprobe/tkhd order) into the video track's tkhd. */
export async function setDisplayMatrix(initPath: string, matrix: readonly number[]): Promise<boolean> {
  if (matrix.length !== 9) throw new Error("a display matrix has 9 values");
  const buf = await readFile(initPath);
  for (const trak of find(buf, ["moov", "trak"])) {
    if (!isVideoTrak(buf, trak)) continue;
    const tkhd = find(buf, ["tkhd"], trak.body, trak.end)[0];
    if (!tkhd) return false;
    const version = buf[tkhd.body]!;
    // version/flags(4), then creation, modification, track_ID, reserved, duration
    // (32- or 64-bit times), reserved(8), layer, alternate_group, volume, reserved (2 each).
    const matrixAt = tkhd.body + 4 + (version === 1 ? 8 + 8 + 4 + 4 + 8 : 4 + 4 + 4 + 4 + 4) + 8 + 8;
    if (matrixAt + 36 > tkhd.end) return false;
    matrix.forEach((v, k) => buf.writeInt32BE(v, matrixAt + 4 * k));
    await writeFile(initPath, buf);
    return true;
  }
  return false;
}
