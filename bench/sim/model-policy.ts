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
    this.cheat();
    if (process.env.SIM_CHEAT_QUALITY) {
      // The true quality term as the video's appeal (tuning only: a ceiling for appeal learning).
      const m = this.model as unknown as { appeal(v: { videoId: string }): number };
      m.appeal = (v) => world.params.qualityWeight * world.videos.quality[Number(v.videoId)]!;
    }
    if (process.env.SIM_CHEAT_TASTE) {
      const m = this.model as unknown as { tasteOf(v: unknown): Float32Array };
      m.tasteOf = () => {
        const th = this.current!.taste;
        let n = 0;
        for (const x of th) n += x * x;
        const out = new Float32Array(64);
        for (let t = 0; t < th.length; t++) out[t] = (5.5 * th[t]!) / Math.sqrt(n);
        return out;
      };
    }
  }

  /** SIM_CHEAT=mix: replace the model's video vectors by the true topic mixes (tuning only: a ceiling). */
  private cheat() {
    if (process.env.SIM_CHEAT !== "mix") return;
    const T = this.world.params.topics;
    for (const [id, e] of this.model.videos) {
      const v = Number(id);
      const out = new Float32Array(e.vector.length);
      for (let t = 0; t < T; t++) out[t] = this.world.videos.mix[v * T + t]!;
      let n = 0;
      for (const x of out) n += x * x;
      e.vector = out.map((x) => x / Math.sqrt(n));
    }
  }

  private key(viewer: Viewer) {
    return `v${(viewer as unknown as { spec: { index: number } }).spec.index}`;
  }

  page(viewer: Viewer, shown: Shown, size: number): number[] {
    this.current = viewer;
    const history = shown.order.slice(-9).map((v) => ({ videoId: String(v), creatorId: `c${this.world.videos.creator[v]}`, soundId: `s${this.world.videos.sound[v]}` }));
    if (process.env.SIM_DEBUG && !viewer.spec.background && viewer.spec.index % 10 === 0 && viewer.swipes % 40 === 0 && viewer.swipes > 0) {
      const m = this.model as unknown as { viewers: Map<string, unknown>; tasteOf(v: unknown): Float32Array };
      const entry = m.viewers.get(this.key(viewer));
      if (entry) {
        const u = m.tasteOf(entry);
        const th = viewer.taste;
        let d = 0, nu = 0, nt = 0;
        for (let t = 0; t < th.length; t++) (d += u[t]! * th[t]!, nu += u[t]! ** 2, nt += th[t]! ** 2);
        let rest = 0;
        for (let t = th.length; t < u.length; t++) rest += u[t]! ** 2;
        console.log(`v${viewer.spec.index} swipe ${viewer.swipes} cos(u,θ) ${(d / Math.sqrt(nu * nt)).toFixed(2)} |u| ${Math.sqrt(nu).toFixed(2)} offdims ${Math.sqrt(rest).toFixed(2)}`);
      }
    }
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
    if (++this.views % 2000 === 0) {
      this.model.refresh();
      this.cheat();
    }
  }

  weights() {
    return this.model.ranker.snapshot();
  }
}
