// Feed quality from what the measured viewers were shown and how they watched it
// (bench/SIMULATOR.md, "Metrics"). Pure functions of the sessions, so a policy in
// process and the real server are scored by the same code.
import { percentile } from "../lib/report.js";

export interface Impression {
  video: number;
  creator: number;
  sound: number;
  /** Watch ratio: ≥ 1 means watched to the end. */
  ratio: number;
}

/** One measured viewer's swipes, in order. */
export type Session = Impression[];

export interface Metrics {
  viewers: number;
  impressions: number;
  /** Watch-through rate: share of impressions with ratio ≥ 1. */
  wtr: number;
  /** Average watch ratio, each capped at 1. */
  watchRatio: number;
  /** Share of the catalogue shown at least once. */
  coverage: number;
  /** Pairs of consecutive videos by one creator. */
  sameCreatorViolations: number;
  /** Windows of 10 consecutive videos with more than 3 of one sound. */
  soundViolations: number;
  violations: number;
  /** Distinct creators per 10 consecutive videos: mean, and windows below 8. */
  distinctCreatorsPer10: number;
  windowsBelow8Creators: number;
  /** First swipe at which the population's WTR over the 10 swipes ending there is ≥ 0.70; null: never. */
  coldStart: number | null;
  /** Population WTR over the 50 swipes before the drift (101–150 for a drift at 150). */
  preDriftWtr: number;
  /**
   * Swipes after the drift until the population's WTR over a 10-swipe window lying wholly
   * after the drift is back to 90 % of preDriftWtr (the window's last swipe, counted from
   * the drift; 10 = the first window, i.e. no measurable dip); null: never within the run.
   */
  recovery: number | null;
  /** Population WTR per swipe (index 0 = swipe 1). */
  wtrBySwipe: number[];
}

export const COLD_START_WTR = 0.7;
export const WINDOW = 10;

export function measure(sessions: Session[], catalogueSize: number, driftSwipe: number): Metrics {
  let impressions = 0;
  let completed = 0;
  let ratioSum = 0;
  let sameCreator = 0;
  let soundViolations = 0;
  let distinctSum = 0;
  let windows = 0;
  let below8 = 0;
  const shown = new Set<number>();
  const maxLen = sessions.reduce((m, s) => Math.max(m, s.length), 0);
  const doneAt = new Float64Array(maxLen);
  const countAt = new Float64Array(maxLen);

  for (const s of sessions) {
    for (let i = 0; i < s.length; i++) {
      const imp = s[i]!;
      impressions++;
      const done = imp.ratio >= 1;
      if (done) completed++;
      ratioSum += Math.min(1, imp.ratio);
      shown.add(imp.video);
      doneAt[i]! += done ? 1 : 0;
      countAt[i]! += 1;
      if (i > 0 && s[i - 1]!.creator === imp.creator) sameCreator++;
    }
    // Windows of 10 (the whole session when shorter).
    const w = Math.min(WINDOW, s.length);
    for (let start = 0; w > 0 && start + w <= s.length; start++) {
      const sounds = new Map<number, number>();
      const creators = new Set<number>();
      let tooMany = false;
      for (let k = start; k < start + w; k++) {
        const n = (sounds.get(s[k]!.sound) ?? 0) + 1;
        sounds.set(s[k]!.sound, n);
        if (n > 3) tooMany = true;
        creators.add(s[k]!.creator);
      }
      if (tooMany) soundViolations++;
      windows++;
      distinctSum += creators.size;
      if (w === WINDOW && creators.size < 8) below8++;
    }
  }

  const wtrBySwipe = Array.from(doneAt, (d, i) => d / countAt[i]!);
  const windowWtr = (first: number, last: number) => {
    // Swipes are 1-based and inclusive; pooled over viewers, so short sessions weigh right.
    let d = 0;
    let n = 0;
    for (let i = Math.max(1, first); i <= Math.min(last, maxLen); i++) {
      d += doneAt[i - 1]!;
      n += countAt[i - 1]!;
    }
    return n ? d / n : NaN;
  };

  let coldStart: number | null = null;
  for (let n = WINDOW; n <= maxLen; n++) {
    if (windowWtr(n - WINDOW + 1, n) >= COLD_START_WTR) {
      coldStart = n;
      break;
    }
  }

  const preDriftWtr = windowWtr(driftSwipe - 49, driftSwipe);
  let recovery: number | null = null;
  for (let k = WINDOW; driftSwipe + k <= maxLen; k++) {
    if (windowWtr(driftSwipe + k - WINDOW + 1, driftSwipe + k) >= 0.9 * preDriftWtr) {
      recovery = k;
      break;
    }
  }

  return {
    viewers: sessions.length,
    impressions,
    wtr: impressions ? completed / impressions : NaN,
    watchRatio: impressions ? ratioSum / impressions : NaN,
    coverage: shown.size / catalogueSize,
    sameCreatorViolations: sameCreator,
    soundViolations,
    violations: sameCreator + soundViolations,
    distinctCreatorsPer10: windows ? distinctSum / windows : NaN,
    windowsBelow8Creators: below8,
    coldStart,
    preDriftWtr,
    recovery,
    wtrBySwipe,
  };
}

export interface Latency {
  calls: number;
  p50: number;
  p99: number;
}

export function latency(samplesMs: number[]): Latency {
  return { calls: samplesMs.length, p50: percentile(samplesMs, 50), p99: percentile(samplesMs, 99) };
}
