// The server's For You model (services/feed/for-you/model) run in process as a policy,
// fed only what the server sees (hashtags, caption, sound, creator, duration, posting
// time; views with watch ratios). For tuning the model quickly (`--model-check`): the
// reported server column always comes from the real server through the API.
import { Recommender, type RecommenderParams, defaultParams } from "../../services/feed/for-you/model/recommender.js";
import type { Policy, Shown } from "./baselines.js";
import type { Viewer, Watch } from "./viewer.js";
import type { World } from "./world.js";

export class ModelPolicy implements Policy {
  readonly name = "model (in-process)";
  private readonly model: Recommender;
  private current: Viewer | undefined;
  private now = Date.now();
  private views = 0;

  constructor(
    private readonly world: World,
    params: RecommenderParams = defaultParams,
  ) {
    this.model = new Recommender(params);
    const V = world.videos;
    for (let v = 0; v < V.size; v++) {
      this.model.upsertVideo({
        videoId: String(v),
        creatorId: `c${V.creator[v]}`,
        soundId: `s${V.sound[v]}`,
        hashtags: process.env.SIM_CHEAT ? [...V.hashtags[v]!, `t${V.topic[v]}`, `t${V.topic[v]}x`, `t${V.topic[v]}y`] : V.hashtags[v]!,
        caption: V.caption[v]!,
        durationMs: V.durationMs[v]!,
        createdAt: this.now - V.ageMs[v]!,
        visibility: "public",
      });
    }
    this.model.refresh();
  }

  private key(viewer: Viewer) {
    return `v${(viewer as unknown as { spec: { index: number } }).spec.index}`;
  }

  page(viewer: Viewer, shown: Shown, size: number): number[] {
    this.current = viewer;
    const history = shown.order.slice(-9).map((v) => ({ videoId: String(v), creatorId: `c${this.world.videos.creator[v]}`, soundId: `s${this.world.videos.sound[v]}` }));
    const r = this.model.pageNow({ viewerKey: this.key(viewer), limit: size, history, exclude: new Set(), visible: () => true, now: this.now });
    if (process.env.SIM_DEBUG && !viewer.spec.background && viewer.spec.index % 20 === 0) {
      const base = r.items.map((i) => viewer.baseScore(Number(i.videoId)));
      const reasons = r.items.map((i) => i.reason.slice(0, 4)).join(",");
      console.log(`v${viewer.spec.index} swipe ${viewer.swipes} base ${(base.reduce((a, b) => a + b, 0) / base.length).toFixed(2)} ${reasons}`);
    }
    return r.items.map((i) => Number(i.videoId)).filter((v) => shown.allows(v) && (shown.add(v), true));
  }

  observe(v: number, watch: Watch): void {
    if (!this.current) return;
    this.model.observeView(this.key(this.current), String(v), watch.ratio, this.now);
    if (watch.liked || watch.shared) this.model.observeEndorsement(this.key(this.current), String(v));
    if (++this.views % 2000 === 0) this.model.refresh();
  }

  weights() {
    return this.model.ranker.snapshot();
  }
}
