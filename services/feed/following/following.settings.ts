// Settings of the Following / Friends feeds and their live stream, read once per
// platform from FLICK_FOLLOWING_* variables; everything has a default.

export interface FollowingSettings {
  /** Idle time after which a live stream sends a heartbeat. */
  heartbeatMs: number;
  /** How often a process's activity tail re-reads without a pub/sub nudge (lost nudges). */
  pollMs: number;
  /** How old a resume token may be (then FAILED_PRECONDITION: reload and reconnect). */
  resumeWindowMs: number;
  /** How far back the ranked mode looks. */
  rankedWindowMs: number;
  /** How long a ranked session (the ordered list behind its cursors) is kept. */
  rankedSessionTtlSeconds: number;
}

/** The activity log keeps two days (its table TTL): a resume window cannot exceed that. */
export const MAX_RESUME_WINDOW_MS = 36 * 3600_000;

export function loadFollowingSettings(env: NodeJS.ProcessEnv = process.env): FollowingSettings {
  const n = (name: string, dflt: number, min = 1) => {
    const v = env[name];
    if (v === undefined || v === "") return dflt;
    const x = Number(v);
    if (!Number.isFinite(x) || x < min) throw new Error(`${name} must be a number ≥ ${min}, got "${v}"`);
    return x;
  };
  return {
    heartbeatMs: n("FLICK_FOLLOWING_HEARTBEAT_MS", 30_000, 50),
    pollMs: n("FLICK_FOLLOWING_POLL_MS", 2_000, 20),
    resumeWindowMs: Math.min(MAX_RESUME_WINDOW_MS, n("FLICK_FOLLOWING_RESUME_WINDOW_SEC", 24 * 3600) * 1000),
    rankedWindowMs: n("FLICK_FOLLOWING_RANKED_WINDOW_DAYS", 7) * 86_400_000,
    rankedSessionTtlSeconds: n("FLICK_FOLLOWING_RANKED_SESSION_TTL_SEC", 1800),
  };
}
