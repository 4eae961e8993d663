// Magic bytes: tell "a picture renamed .mp4" and "a damaged video" apart from "not media"
// before ffprobe, whose own errors do not say which of these the uploader sent.
import { open } from "node:fs/promises";

export type Sniffed =
  | { kind: "video-container"; container: "isobmff" | "matroska" | "avi" | "mpegts" | "flv" | "mpeg-ps" }
  | { kind: "image"; format: "png" | "jpeg" | "gif" | "webp" | "bmp" | "tiff" | "heif" | "avif" }
  | { kind: "unknown" };

// ISO-BMFF brands that are still images (HEIC photos from phones, AVIF), not video.
const IMAGE_BRANDS = new Map<string, "heif" | "avif">([
  ["heic", "heif"], ["heix", "heif"], ["heim", "heif"], ["heis", "heif"], ["mif1", "heif"], ["msf1", "heif"],
  ["avif", "avif"], ["avis", "avif"],
]);

export async function sniffFile(path: string): Promise<Sniffed> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return sniff(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

export function sniff(b: Buffer): Sniffed {
  const ascii = (from: number, to: number) => b.subarray(from, to).toString("latin1");
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 4) === "PNG") return { kind: "image", format: "png" };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: "image", format: "jpeg" };
  if (ascii(0, 4) === "GIF8") return { kind: "image", format: "gif" };
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return { kind: "image", format: "webp" };
  if (ascii(0, 2) === "BM" && b.length >= 14) return { kind: "image", format: "bmp" };
  if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return { kind: "image", format: "tiff" };
  if (ascii(4, 8) === "ftyp") {
    const major = ascii(8, 12);
    const image = IMAGE_BRANDS.get(major);
    if (image) return { kind: "image", format: image };
    return { kind: "video-container", container: "isobmff" };
  }
  // QuickTime files without ftyp start straight with one of these atoms.
  if (["moov", "mdat", "free", "wide", "skip", "pnot"].includes(ascii(4, 8))) return { kind: "video-container", container: "isobmff" };
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return { kind: "video-container", container: "matroska" };
  if (ascii(0, 4) === "RIFF" && ascii(8, 11) === "AVI") return { kind: "video-container", container: "avi" };
  if (b.length >= 189 && b[0] === 0x47 && b[188] === 0x47) return { kind: "video-container", container: "mpegts" };
  if (ascii(0, 3) === "FLV") return { kind: "video-container", container: "flv" };
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0xba) return { kind: "video-container", container: "mpeg-ps" };
  return { kind: "unknown" };
}
