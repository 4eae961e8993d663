// What the trending module uses, built once per platform: the activity read model, the
// video context (catalogue rows, rendering), the computed rankings, and the refresher
// that recomputes them on a timer.
import type { Platform, ReadModel } from "../platform/platform.js";
import { videoContext, type VideoContext } from "../video/video.context.js";
import { trendingActivityProjection } from "./projections/trending-activity.projection.js";
import { rankingsOf, type Rankings } from "./rankings.js";
import { refreshTrending, type RefreshReport, type ScorerDeps } from "./trending.scorer.js";
import { loadTrendingSettings, type TrendingSettings } from "./trending.settings.js";

export interface TrendingContext extends ScorerDeps {
  platform: Platform;
  settings: TrendingSettings;
  refresher: Refresher;
}

/**
 * Runs the scorer every `refreshMs`, one refresh at a time per process. With several
 * replicas, a replica skips its turn when another stored a ranking less than half a
 * period ago, so the work is not repeated by each of them.
 */
export class Refresher {
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The newest refresh of this process: what a refresh costs. */
  last: RefreshReport | undefined;

  constructor(private readonly ctx: Omit<TrendingContext, "refresher">) {}

  /** Recomputes at `now` (default: the clock), after any refresh of this process already under way. */
  refresh(now?: Date): Promise<RefreshReport> {
    this.pending++;
    const run = this.queue
      .catch(() => {})
      .then(() => refreshTrending(this.ctx, now ?? this.ctx.platform.clock()))
      .then((report) => (this.last = report))
      .finally(() => this.pending--);
    this.queue = run;
    return run;
  }

  /** The first refresh right away, then one per period (unless another replica just did it). */
  start(): void {
    if (this.timer) return;
    const tick = async (first: boolean) => {
      if (this.pending > 0) return; // a slow refresh is still running: never pile up
      try {
        if (!first) {
          const latest = await this.ctx.rankings.latest("videos", "day");
          if (latest && this.ctx.platform.clock().getTime() - latest.computedAt.getTime() < this.ctx.settings.refreshMs / 2) return;
        }
        await this.refresh();
      } catch (e) {
        console.error("trending: refresh failed:", e);
      }
    };
    void tick(true);
    this.timer = setInterval(() => void tick(false), this.ctx.settings.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.queue.catch(() => {});
  }
}

const perPlatform = new WeakMap<Platform, Promise<TrendingContext>>();
const models = new WeakMap<Platform, ReadModel>();

/** The activity read model (fast role), registered once per platform before it starts. */
export function trendingActivity(platform: Platform): ReadModel {
  let model = models.get(platform);
  if (!model) models.set(platform, (model = platform.project("fast", trendingActivityProjection())));
  return model;
}

export function trendingContext(platform: Platform): Promise<TrendingContext> {
  let ctx = perPlatform.get(platform);
  if (!ctx) perPlatform.set(platform, (ctx = create(platform)));
  return ctx;
}

async function create(platform: Platform): Promise<TrendingContext> {
  const activity = trendingActivity(platform);
  const video = await videoContext(platform);
  const settings = loadTrendingSettings();
  const base = { platform, activity, video, rankings: await rankingsOf(platform), settings, maxRanked: settings.maxRanked };
  return { ...base, refresher: new Refresher(base) };
}
