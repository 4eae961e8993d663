// Small helpers over a written HLS package, shared by the first-playable step and the
// pipeline.
import { join, relative } from "node:path";
import { MediaRejectedError } from "../probe/errors.js";
import type { Bitrates } from "./playlist.js";

/** Init segment and media segments of a playlist, relative to the output root. */
export function segmentFiles(outDir: string, dir: string, pl: { mapUri?: string; segments: { uri: string }[] }): string[] {
  return [...(pl.mapUri ? [pl.mapUri] : []), ...pl.segments.map((s) => s.uri)].map((f) => relative(outDir, join(dir, f)));
}

/** A rendition shorter than expected means the source was damaged past what the scan saw. */
export function assertNotShort(rates: Bitrates, expectedSec: number, what: string): void {
  const shortfall = expectedSec - rates.durationSec;
  if (shortfall > Math.max(0.5, expectedSec * 0.03)) {
    throw new MediaRejectedError(
      "CORRUPT",
      "The video is incomplete or damaged. Please upload it again.",
      `${what} rendition is ${rates.durationSec.toFixed(2)} s, expected ${expectedSec.toFixed(2)} s`,
    );
  }
}
