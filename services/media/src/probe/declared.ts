// What the uploader declared at InitUpload (size, duration, frame size) against what the
// bytes turned out to be. A client that declares one thing and sends another is broken or
// gaming the limits the declaration was checked against, so the upload is refused with
// the first disagreement, in words the uploader can act on. Tolerances allow for honest
// differences: container vs. editor durations, coded sizes padded to 16, and a client
// reporting the stored size of a rotated recording (sides swapped).
import { MediaRejectedError } from "./errors.js";
import type { ValidatedSource } from "./validate.js";

export interface DeclaredMedia {
  /** 0 or absent: not declared, not checked. */
  sizeBytes?: number;
  durationMs?: number;
  width?: number;
  height?: number;
}

export const DECLARED_TOLERANCE = {
  /** Bytes: the file is what it is; 1 % absorbs a client rounding to KB/MB. */
  sizeRatio: 0.01,
  /** Duration: 10 % or 1 s, whichever is larger. */
  durationRatio: 0.1,
  durationSec: 1,
  /** Each side: 2 % or 16 pixels, whichever is larger. */
  sideRatio: 0.02,
  sidePx: 16,
} as const;

const T = DECLARED_TOLERANCE;
const within = (actual: number, declared: number, ratio: number, floor: number) => Math.abs(actual - declared) <= Math.max(floor, declared * ratio);

export function checkDeclared(declared: DeclaredMedia, source: ValidatedSource, receivedBytes: number): void {
  const mismatch = (what: string, said: string, found: string) =>
    new MediaRejectedError("METADATA_MISMATCH", `The ${what} you declared (${said}) does not match the file (${found}). Please upload it again.`);
  if (declared.sizeBytes && !within(receivedBytes, declared.sizeBytes, T.sizeRatio, 0)) {
    throw mismatch("size", `${declared.sizeBytes} bytes`, `${receivedBytes} bytes`);
  }
  const seconds = source.info.durationSec;
  if (declared.durationMs && !within(seconds, declared.durationMs / 1000, T.durationRatio, T.durationSec)) {
    throw mismatch("duration", `${(declared.durationMs / 1000).toFixed(1)} s`, `${seconds.toFixed(1)} s`);
  }
  if (declared.width && declared.height) {
    const { displayWidth: w, displayHeight: h } = source.info.video;
    const fits = (a: number, b: number) => within(a, declared.width!, T.sideRatio, T.sidePx) && within(b, declared.height!, T.sideRatio, T.sidePx);
    if (!fits(w, h) && !fits(h, w)) throw mismatch("frame size", `${declared.width}×${declared.height}`, `${w}×${h}`);
  }
}
