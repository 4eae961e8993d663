// Settings of the trending module, read once per platform (like the video module's, from
// the environment, with defaults so zero configuration works).

export interface TrendingSettings {
  /** How often the scorer recomputes the rankings (the seed's target: under 5 minutes). */
  refreshMs: number;
  /** Entries kept per ranking (the API promises at most 1000). */
  maxRanked: number;
}

export function loadTrendingSettings(env: NodeJS.ProcessEnv = process.env): TrendingSettings {
  const raw = env.FLICK_TRENDING_REFRESH_SECONDS;
  const seconds = raw === undefined || raw === "" ? 60 : Number(raw);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds >= 300) {
    throw new Error(`FLICK_TRENDING_REFRESH_SECONDS must be a number of seconds in [1, 300), got "${raw}"`);
  }
  return { refreshMs: seconds * 1000, maxRanked: 1000 };
}
