// Time buckets and windows. Activity is counted per bucket (5 minutes for the hour
// window, 1 hour for the day and week windows); a window is the bucket `now` falls in
// plus the complete buckets before it, so it spans between its length and its length
// plus one bucket. Events weigh less the older their bucket (exponential decay with the
// window's time constant): that is what lets a video rising now beat one that collected
// more views many hours ago.
import { TrendingWindow } from "@flick/contracts/flick/trending/v1/trending_pb";

export interface Granularity {
  /** Names the bucket keys: "m5" or "h1". */
  readonly name: "m5" | "h1";
  readonly ms: number;
  /** Buckets older than this are swept (no window reads them any more). */
  readonly retentionMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const GRANULARITIES: readonly Granularity[] = [
  { name: "m5", ms: 5 * MINUTE, retentionMs: 3 * HOUR },
  { name: "h1", ms: HOUR, retentionMs: 8 * 24 * HOUR },
];
export const [FIVE_MINUTES, ONE_HOUR] = GRANULARITIES as [Granularity, Granularity];

export type WindowName = "hour" | "day" | "week";

export interface WindowSpec {
  readonly name: WindowName;
  readonly proto: TrendingWindow;
  readonly lengthMs: number;
  readonly granularity: Granularity;
  /** Decay time constant: an event this old weighs 1/e of one happening now. */
  readonly tauMs: number;
}

export const WINDOWS: readonly WindowSpec[] = [
  { name: "hour", proto: TrendingWindow.LAST_HOUR, lengthMs: HOUR, granularity: FIVE_MINUTES, tauMs: 20 * MINUTE },
  { name: "day", proto: TrendingWindow.LAST_DAY, lengthMs: 24 * HOUR, granularity: ONE_HOUR, tauMs: 6 * HOUR },
  { name: "week", proto: TrendingWindow.LAST_WEEK, lengthMs: 7 * 24 * HOUR, granularity: ONE_HOUR, tauMs: 36 * HOUR },
];

/** The API's window (UNSPECIFIED means the last day). */
export function windowOf(w: TrendingWindow): WindowSpec {
  return WINDOWS.find((s) => s.proto === w) ?? WINDOWS[1]!;
}

export const windowNamed = (name: WindowName): WindowSpec => WINDOWS.find((s) => s.name === name)!;

/** Start (ms since the epoch) of the bucket `atMs` falls in. */
export const bucketStart = (g: Granularity, atMs: number) => Math.floor(atMs / g.ms) * g.ms;

/** The sorted-set key of a bucket, e.g. "h1:1767225600000". */
export const bucketKey = (g: Granularity, startMs: number) => `${g.name}:${startMs}`;

/** Is the bucket starting at `startMs` inside the window at `nowMs`? */
export function inWindow(w: WindowSpec, startMs: number, nowMs: number): boolean {
  const current = bucketStart(w.granularity, nowMs);
  return startMs <= current && startMs >= current - w.lengthMs;
}

/** How much a bucket's events weigh at `nowMs`: decay by the age of the bucket's middle. */
export function bucketWeight(w: WindowSpec, startMs: number, nowMs: number): number {
  const end = Math.min(startMs + w.granularity.ms, nowMs);
  const middle = (startMs + Math.max(startMs, end)) / 2;
  return Math.exp(-Math.max(0, nowMs - middle) / w.tauMs);
}

/**
 * Hours of "effective" window: a decayed count divided by this is a rate per hour, so a
 * steady hour-long stream of n views scores about n views per hour in every window.
 */
export const effectiveHours = (w: WindowSpec) => (w.tauMs / HOUR) * (1 - Math.exp(-w.lengthMs / w.tauMs));
