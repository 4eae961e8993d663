// The For You recommender: an in-memory model fed by events (videos published, updated,
// deleted; views, likes, shares) and asked for pages. Pure: no I/O, no clock of its own,
// so the server, its tests and the simulator's tuning runs drive the same code.
//
//   candidates (~1000): nearest neighbours of the viewer's taste, videos similar to and
//     co-watched with what they just finished, followed creators, popular, fresh, random
//   → filters: seen, this session's pages, own, whatever `visible` refuses
//   → ranking: predicted watch-through (ranker.ts) + an uncertainty bonus (viewer-model.ts)
//   → re-ranking, slot by slot: the diversity rules (diversity.ts) and topic repetition
//     (the ranker's learnt penalty for similarity to the videos just before)
import { ContentEmbedding } from "./content-embedding.js";
import { nextAllowed, type Served } from "./diversity.js";
import { FEATURES, features, Ranker, type FeatureVector } from "./ranker.js";
import { Repetition } from "./repetition.js";
import { videoTokens, type TokenList } from "./tokens.js";
import { addScaled, DIM, dot, normalize, zeros } from "./vectors.js";
import { VideoColumns, VideoEntry, type Visibility } from "./video-entry.js";
import { defaultViewerParams, ViewerModel, type ViewerModelParams } from "./viewer-model.js";

export type { Visibility };
export { VideoEntry };

export interface VideoFacts {
  videoId: string;
  creatorId: string;
  soundId: string;
  hashtags: readonly string[];
  caption: string;
  durationMs: number;
  /** Epoch ms. */
  createdAt: number;
  visibility: Visibility;
}

interface CreatorStats {
  views: number;
  completions: number;
  surprise: number;
  information: number;
  /** Newest last. */
  videos: string[];
}

interface ViewerEntry {
  model: ViewerModel;
  /** The last videos viewed, oldest first (for repetition). */
  recent: string[];
  /** The first videos the viewer saw (up to COLD_START_VIEWS), for spreading the first pages. */
  early: string[];
  /** The last videos watched through, oldest first. */
  finished: string[];
  seen: Set<string>;
  /** Videos watched through per creator. */
  creators: Map<string, number>;
}

export type Reason = "similar" | "similar_viewers" | "followed" | "friend" | "trending" | "popular" | "fresh" | "exploration";

export interface RecommenderParams {
  viewer: ViewerModelParams;
  /** Weight of the uncertainty bonus (in taste units). */
  explore: number;
  /** Weight of the appeal's uncertainty bonus (in standard deviations of the video's appeal). */
  appealExplore: number;
  /** Most weight the audience (behaviour) gets in a video's vector. */
  behaviour: number;
  /** Candidates from each source. */
  nearest: number;
  popular: number;
  fresh: number;
  random: number;
  /** Weight of the cold-start spread (in repetition units). */
  spread: number;
  /** Learn tastes from the share watched (1 when finished), not only finished or not. */
  softLabels: number;
}

export const defaultParams: RecommenderParams = {
  viewer: defaultViewerParams,
  explore: 2,
  appealExplore: 1,
  behaviour: 0.35,
  nearest: 120,
  popular: 300,
  fresh: 60,
  random: 150,
  softLabels: 0,
  spread: 2,
};

export interface PageRequest {
  /** "u:<user id>" or "a:<anonymous session id>". */
  viewerKey: string;
  /** The viewer's own user id (their videos are left out). */
  userId?: string;
  limit: number;
  /** The session's videos so far, oldest first (the diversity rules span pages). */
  history: readonly (Served & { videoId: string })[];
  /** Already served in this session. */
  exclude: ReadonlySet<string>;
  /** Visibility beyond "public" and blocks: false drops the candidate. */
  visible: (video: VideoEntry) => boolean;
  followed?: readonly string[];
  friends?: ReadonlySet<string>;
  /** Extra candidates (e.g. the trending model's list), with their reason. */
  extra?: { ids: readonly string[]; reason: Reason }[];
  now: number;
  /** Nearest neighbours by the vector index; default: exact search in memory. */
  nearest?: (vector: Float32Array, k: number) => Promise<string[]>;
  /** Random numbers for the exploration sample (tests pass a seeded one). */
  random?: () => number;
}

export interface PageItem {
  videoId: string;
  reason: Reason;
  /** Predicted watch-through, 0..1. */
  score: number;
}

const DAY = 86_400_000;
const REPETITION_WINDOW = 5;
/** Candidates that get the uncertainty bonus computed (the rest get its average). */
const BONUS_FOR = 160;
/** Candidates re-ranked slot by slot. */
const SHORTLIST = 250;
/** A new viewer's first views: their pages are spread over topics not yet tried. */
const COLD_START_VIEWS = 24;
/**
 * How far a video's vector may move (chord between unit vectors, ≈ radians) before the
 * vector index is given the new one. The index only proposes candidates, which are then
 * scored on the current vectors: a copy 0.1 off shifts a similarity by at most ~0.1.
 */
export const INDEX_DRIFT = 0.1;
/** Views a taste may trail by when it joins a video's audience (a page is 8). */
const AUDIENCE_STALE_VIEWS = 12;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** Index of the appeal feature in the ranker's vector. */
const APPEAL = FEATURES.indexOf("appeal");
/** Prior precisions of the per-video and per-creator appeal (in watch-through information). */
const VIDEO_PRIOR = 3;
const CREATOR_PRIOR = 20;

interface Scored {
  v: VideoEntry;
  reason: Reason;
  /** Logit of predicted watch-through, plus the uncertainty bonus once scored. */
  base: number;
  x: FeatureVector;
}

export class Recommender {
  readonly videos = new Map<string, VideoEntry>();
  /** The videos' numbers and vectors, by slot (see video-entry.ts). */
  private readonly columns = new VideoColumns();
  /** Where refresh() computes every video's next vector, a row each (kept between refreshes). */
  private scratch = new Float32Array(0);
  private readonly creators = new Map<string, CreatorStats>();
  private readonly viewers = new Map<string, ViewerEntry>();
  private readonly coWatched = new Map<string, Map<string, number>>();
  /** Creator and sound ids, each string kept once (see upsertVideo). */
  private readonly ids = new Map<string, string>();
  private readonly embedding = new ContentEmbedding();
  readonly ranker = new Ranker();
  private popular: string[] = [];
  private newest: string[] = [];
  /** Public videos, for the exploration sample and exact search (swap-removed). */
  private publicIds: string[] = [];
  private publicAt = new Map<string, number>();
  /** Videos whose vector changed since the last takeChangedVectors(). */
  private changed = new Set<string>();
  /** Videos whose audience grew since the last refresh (their vectors are re-mixed by the next one). */
  private remix = new Set<string>();
  /** Videos added, updated or removed since the last full refresh. */
  private catalogueChanges = 0;
  private refreshedAtSize = -1;
  /** refreshBehaviour()'s working vectors. */
  private readonly nextScratch = zeros();
  private readonly audienceScratch = zeros();
  /**
   * The mean content vector, subtracted from every video's: what all videos share says
   * nothing about taste, and without it unrelated topics look 0.4 alike.
   */
  private center = zeros();
  /** Bumped whenever video vectors move: viewer models re-solve against the new ones. */
  private epoch = 0;

  constructor(readonly params: RecommenderParams = defaultParams) {}

  // ---- events ----------------------------------------------------------------------

  upsertVideo(f: VideoFacts): void {
    const old = this.videos.get(f.videoId);
    if (old) this.embedding.forget(old.tokens);
    const tokens = videoTokens({ creatorId: f.creatorId, soundId: f.soundId, hashtags: f.hashtags, caption: f.caption }, this.embedding.id);
    this.embedding.add(tokens);
    this.embedding.refreshTokens(tokens);
    if (old) this.epoch++;
    // Its creator and sound strings are shared with the other videos' (each event decodes
    // its own copies). An update keeps the slot, and with it the appeal evidence.
    const slot = old ? old.slot : this.allocSlot();
    this.columns.createdAt[slot] = Math.round(f.createdAt);
    const vector = old ? old.vector : this.columns.vectorAt(slot);
    const content = this.contentVector(tokens);
    this.columns.content.set(content, slot * DIM);
    vector.set(content);
    if (old) this.columns.releaseTokens(old.tokenCount);
    const tokenStart = this.columns.appendTokens(tokens);
    const entry = new VideoEntry(this.columns, slot, f.videoId, this.shared(f.creatorId), this.shared(f.soundId), f.durationMs, f.visibility, tokenStart, tokens.length, vector);
    if (old) {
      entry.views = old.views;
      entry.completions = old.completions;
      entry.audience = old.audience;
      entry.audienceSize = old.audienceSize;
    }
    this.videos.set(f.videoId, entry);
    if (old) this.columns.compactTokens(this.videos.values());
    this.changed.add(f.videoId);
    // An updated video keeps its audience: the next refresh mixes it back in.
    if (entry.audience) this.remix.add(entry.videoId);
    this.catalogueChanges++;
    this.trackPublic(f.videoId, f.visibility === "public");
    if (!old) {
      const c = this.creator(f.creatorId);
      c.videos.push(f.videoId);
      this.newest.push(f.videoId);
      if (this.newest.length > 2000) this.newest = this.newest.slice(-1000);
    }
  }

  setVisibility(videoId: string, visibility: Visibility): void {
    const v = this.videos.get(videoId);
    if (!v) return;
    v.visibility = visibility;
    this.changed.add(videoId);
    this.trackPublic(videoId, visibility === "public");
  }

  private trackPublic(videoId: string, isPublic: boolean): void {
    const at = this.publicAt.get(videoId);
    if (isPublic && at === undefined) {
      this.publicAt.set(videoId, this.publicIds.length);
      this.publicIds.push(videoId);
    } else if (!isPublic && at !== undefined) {
      const last = this.publicIds.pop()!;
      if (last !== videoId) {
        this.publicIds[at] = last;
        this.publicAt.set(last, at);
      }
      this.publicAt.delete(videoId);
    }
  }

  removeVideo(videoId: string): void {
    const v = this.videos.get(videoId);
    if (!v) return;
    this.embedding.forget(v.tokens);
    this.videos.delete(videoId);
    this.columns.release(v.slot);
    this.columns.releaseTokens(v.tokenCount);
    this.columns.compactTokens(this.videos.values());
    this.changed.add(videoId);
    this.remix.delete(videoId);
    this.catalogueChanges++;
    this.trackPublic(videoId, false);
    const c = this.creators.get(v.creatorId);
    if (c) c.videos = c.videos.filter((id) => id !== videoId);
    this.coWatched.delete(videoId);
  }

  /** A view: `ratio` is watch time over duration (≥ 1: watched through; a player reports the full duration at the end). */
  observeView(viewerKey: string, videoId: string, ratio: number, at: number): void {
    const video = this.videos.get(videoId);
    if (!video) return;
    // The entry's own id string from here on: the caller's is a fresh copy per event, and
    // the viewer's lists and the co-watched counts would each keep one alive.
    videoId = video.videoId;
    const viewer = this.viewer(viewerKey);
    const completed = ratio >= 1 - 1e-9 ? 1 : 0;
    const x = this.featuresOf(viewer, viewer.model.lastTaste(), video, this.recentVectors(viewer.recent), at);
    this.ranker.learn(x, completed);
    // The taste is learnt against what the general ranker expected of this view.
    // The share of the video watched is a soft label: a drop-off near the end says far more
    // interest than a swipe after a second, and a viewer's taste is learnt from every view.
    const soft = this.params.softLabels ? Math.min(1, Math.max(0, ratio)) : completed;
    viewer.model.learn(videoId, this.ranker.logit(x) - this.ranker.weights[1]! * x[1]!, completed ? 1 : soft);

    // Appeal is learnt as what the view says beyond everything else the ranker knew (the
    // viewer's taste, length, repetition…): a video shown to the viewers who like its topic
    // finishes often whatever its quality, so its raw rate would credit it with the match.
    const expected = sigmoid(this.ranker.logit(x) - this.ranker.weights[APPEAL]! * x[APPEAL]!);
    const c = this.creator(video.creatorId);
    for (const stats of [video, c]) {
      stats.surprise += completed - expected;
      stats.information += expected * (1 - expected);
    }
    video.views++;
    video.completions += completed;
    c.views++;
    c.completions += completed;

    viewer.seen.add(videoId);
    viewer.recent.push(videoId);
    if (viewer.early.length < COLD_START_VIEWS) viewer.early.push(videoId);
    if (viewer.recent.length > REPETITION_WINDOW) viewer.recent.shift();
    if (completed) {
      for (const other of viewer.finished) {
        if (other === videoId) continue;
        this.bumpCoWatched(other, videoId);
        this.bumpCoWatched(videoId, other);
      }
      viewer.finished.push(videoId);
      if (viewer.finished.length > 5) viewer.finished.shift();
      viewer.creators.set(video.creatorId, (viewer.creators.get(video.creatorId) ?? 0) + 1);
      if (viewer.model.views >= 10) {
        // The taste from the viewer's last page (refitted if it is a page and more behind):
        // a fit per finished view was ~10 % of the server's main thread in bench:sim, and an
        // audience is the mean of many viewers' tastes.
        const taste = viewer.model.recentTaste(this.vectorOf, this.epoch, AUDIENCE_STALE_VIEWS);
        const len = Math.sqrt(dot(taste, taste));
        if (len > 0) {
          video.audience ??= zeros();
          addScaled(video.audience, taste, 1 / len);
          video.audienceSize++;
          this.remix.add(videoId);
        }
      }
    }
  }

  /** A like, save or share: stronger evidence than a view that the viewer wants more like it. */
  observeEndorsement(viewerKey: string, videoId: string): void {
    const video = this.videos.get(videoId);
    if (!video) return;
    videoId = video.videoId; // the entry's string: the evidence keeps it (see observeView)
    const viewer = this.viewer(viewerKey);
    // Counted as a finished view, twice over.
    const x = this.featuresOf(viewer, viewer.model.lastTaste(), video, [], 0);
    viewer.model.learn(videoId, this.ranker.logit(x) - this.ranker.weights[1]! * x[1]!, 1, 2);
  }

  /** The viewer has seen these (e.g. watched on a profile): never recommend them again. */
  hasSeen(viewerKey: string, videoId: string): boolean {
    return this.viewers.get(viewerKey)?.seen.has(videoId) ?? false;
  }

  // ---- periodic refresh --------------------------------------------------------------

  /**
   * The full refresh: recomputes the token embeddings, every video's content vector and
   * vector (content mixed with its audience) and the popular list. Its cost grows with the
   * catalogue (~0.35 s at 100k videos), so the server runs it in steps
   * (refreshInSteps) when the catalogue has changed, and otherwise refreshBehaviour().
   */
  refresh(): void {
    for (const _ of this.refreshSteps()) {
      // to the end, at once
    }
  }

  /**
   * The full refresh, awaiting `pause()` between steps so a server goes on serving pages
   * meanwhile (see services/platform/time-slicer.ts). Events applied between steps are
   * safe: it refreshes the videos there were when it started, and a video updated or
   * removed meanwhile keeps what its event gave it.
   */
  async refreshInSteps(pause: () => Promise<void> | undefined): Promise<void> {
    for (const _ of this.refreshSteps()) await pause();
  }

  private *refreshSteps(): Generator<void, void, void> {
    // Counted from here: whatever arrives during the steps is for the next refresh.
    this.catalogueChanges = 0;
    // Audiences that grow from here are re-mixed by the next refresh; the ones before,
    // by this one (it mixes every video with its audience).
    this.remix = new Set();
    yield* this.embedding.refreshSteps();
    const entries = [...this.videos.values()];
    const n = entries.length;
    const current = (v: VideoEntry) => this.videos.get(v.videoId) === v;
    // The next vectors are computed in one scratch array (a row per video, in `entries`'
    // order) and copied into the videos' rows: a new Float32Array per video per refresh
    // was 100k ArrayBuffers every refresh, each kept (so promoted to the old generation)
    // until the next one replaced it.
    if (this.scratch.length < n * DIM) this.scratch = new Float32Array(Math.ceil(n * 1.25) * DIM);
    const scratch = this.scratch;
    const row = (k: number) => scratch.subarray(k * DIM, (k + 1) * DIM);
    const center = zeros();
    let counted = 0;
    for (let k = 0; k < n; k++) {
      // A video removed meanwhile may have had its tokens compacted away.
      if (!current(entries[k]!)) continue;
      addScaled(center, this.embedding.embedInto(entries[k]!.tokens, row(k)), 1);
      counted++;
      if ((k & 255) === 255) yield;
    }
    for (let i = 0; i < DIM; i++) center[i]! /= Math.max(1, counted);
    this.center = center;
    for (let k = 0; k < n; k++) {
      const v = entries[k]!;
      if (!current(v)) continue;
      const next = row(k);
      addScaled(next, center, -1);
      normalize(next);
      this.columns.content.set(next, v.slot * DIM);
      this.mixAudience(v, next);
      this.move(v, next);
      if ((k & 255) === 255) yield;
    }
    this.popular = this.topByAppeal(this.params.popular);
    this.refreshedAtSize = n;
    this.epoch++;
  }

  /**
   * The behaviour refresh: re-mixes only the videos whose audience grew since the last
   * refresh (from their content vectors as of the last full one) and recomputes the
   * popular list — cheap at any catalogue size, so the server runs it every few seconds
   * while views arrive (the vectors' behavioural side then trails the views by seconds).
   */
  refreshBehaviour(): void {
    if (this.remix.size > 0) {
      const next = this.nextScratch;
      for (const id of this.remix) {
        const v = this.videos.get(id);
        if (!v) continue;
        next.set(this.columns.content.subarray(v.slot * DIM, (v.slot + 1) * DIM));
        this.mixAudience(v, next);
        this.move(v, next);
      }
      this.remix.clear();
      this.epoch++;
    }
    this.popular = this.topByAppeal(this.params.popular);
  }

  /** Videos added, updated or removed since the last full refresh (their tokens re-weigh the content embedding). */
  get catalogueChanged(): number {
    return this.catalogueChanges;
  }

  /** Videos in the catalogue at the last full refresh (−1 before the first). */
  get sizeAtRefresh(): number {
    return this.refreshedAtSize;
  }

  /** True when views moved some audience since the last refresh, or a vector awaits takeChangedVectors(). */
  get behaviourStale(): boolean {
    return this.remix.size > 0 || this.changed.size > 0;
  }

  /**
   * Mixes a content vector (length 1, in place) with the video's audience: the mean unit
   * taste of the viewers who watched it through, weighing up to `behaviour` at 20 of them.
   */
  private mixAudience(v: VideoEntry, out: Float32Array): void {
    if (!v.audience || v.audienceSize <= 0) return;
    const share = this.params.behaviour * Math.min(1, v.audienceSize / 20);
    const audience = this.audienceScratch;
    audience.set(v.audience);
    normalize(audience);
    for (let i = 0; i < out.length; i++) out[i] = (1 - share) * out[i]! + share * audience[i]!;
    normalize(out);
  }

  /**
   * The `k` public videos with views of the highest appeal, best first: one pass that keeps
   * the best k so far in order (sorting every viewed video by appeal computed inside the
   * comparator was ~2 × n log n appeal lookups; at 100k videos tens of ms a refresh).
   */
  private topByAppeal(k: number): string[] {
    const ids: string[] = [];
    const scores: number[] = [];
    for (const id of this.publicIds) {
      const v = this.videos.get(id)!;
      if (v.views <= 0) continue;
      const a = this.appeal(v);
      if (ids.length === k && a <= scores[k - 1]!) continue;
      // Binary search for the first score below a (ties keep the earlier video first).
      let lo = 0;
      let hi = ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (scores[mid]! >= a) lo = mid + 1;
        else hi = mid;
      }
      ids.splice(lo, 0, v.videoId);
      scores.splice(lo, 0, a);
      if (ids.length > k) {
        ids.pop();
        scores.pop();
      }
    }
    return ids;
  }

  /**
   * A refresh's next vector for a video. The vector index is told once the moves since
   * its copy add up to INDEX_DRIFT: every view that completes a video grows its audience,
   * so each 2 s re-mix nudges hundreds of vectors by a little, and as index writes those
   * were HNSW appends and stale nodes whose rebuilds (a core for seconds) ran beside the
   * pages. The index only proposes candidates; the ranking reads the vectors here.
   */
  private move(v: VideoEntry, next: Float32Array): void {
    // The chord between the two unit vectors: summed over moves, it bounds the chord to the index's copy.
    const chord = Math.sqrt(2 * Math.max(0, 1 - dot(next, v.vector)));
    if ((this.columns.drift[v.slot]! += chord) >= INDEX_DRIFT) this.changed.add(v.videoId);
    v.vector.set(next);
  }

  /** Ids whose vector changed (or was removed) since the last call: for the vector index, which takes their current vectors. */
  takeChangedVectors(): string[] {
    const ids = [...this.changed];
    this.changed.clear();
    for (const id of ids) {
      const v = this.videos.get(id);
      if (v) this.columns.drift[v.slot] = 0;
    }
    return ids;
  }

  // ---- pages -------------------------------------------------------------------------

  /** A page, with nearest neighbours from `req.nearest` (the vector index). */
  async page(req: PageRequest): Promise<{ items: PageItem[]; prefetch: string[] }> {
    const viewer = this.viewers.get(req.viewerKey);
    const near: string[][] = [];
    if (req.nearest && viewer && viewer.model.views > 0) {
      for (const [vector, k] of this.nearestQueries(viewer)) near.push(await req.nearest(vector, k));
    }
    return this.rank(req, req.nearest ? near : undefined);
  }

  /** A page with exact nearest neighbours from memory (tests, the simulator's tuning runs). */
  pageNow(req: PageRequest): { items: PageItem[]; prefetch: string[] } {
    return this.rank(req, undefined);
  }

  /** The neighbour searches a viewer's page needs: their taste, and the last two videos they finished. */
  private nearestQueries(viewer: ViewerEntry): [Float32Array, number][] {
    const out: [Float32Array, number][] = [];
    const taste = this.tasteOf(viewer);
    if (dot(taste, taste) > 1e-12) out.push([taste, this.params.nearest]);
    const last = viewer.finished.at(-1);
    const v = last === undefined ? undefined : this.videos.get(last);
    // A copy: page() searches with it after an await, and a refresh meanwhile rewrites the row.
    if (v) out.push([v.vector.slice(), 30]);
    return out;
  }

  private rank(req: PageRequest, near: string[][] | undefined): { items: PageItem[]; prefetch: string[] } {
    const viewer = this.viewers.get(req.viewerKey);
    const scored = this.score(req, viewer, this.candidates(req, viewer, near));
    return this.rerank(req, viewer, scored.slice(0, SHORTLIST));
  }

  /** Candidate ids with the reason of the first source that proposed them. */
  private candidates(req: PageRequest, viewer: ViewerEntry | undefined, near: string[][] | undefined): Map<string, Reason> {
    const random = req.random ?? Math.random;
    const candidates = new Map<string, Reason>();
    const add = (id: string, reason: Reason) => {
      if (!candidates.has(id)) candidates.set(id, reason);
    };
    const addAll = (ids: readonly string[], reason: Reason) => {
      for (const id of ids) add(id, reason);
    };

    const friends = req.friends ?? new Set<string>();
    for (const creatorId of req.followed ?? []) {
      const videos = this.creators.get(creatorId)?.videos ?? [];
      addAll(videos.slice(-5), friends.has(creatorId) ? "friend" : "followed");
    }
    if (viewer && viewer.model.views > 0) {
      const found = near ?? this.nearestQueries(viewer).map(([vector, k]) => this.exactNearest(vector, k));
      for (const ids of found) addAll(ids, "similar");
      for (const id of viewer.finished.slice(-2)) {
        const co = this.coWatched.get(id);
        if (co) addAll([...co].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([other]) => other), "similar_viewers");
      }
    }
    for (const e of req.extra ?? []) addAll(e.ids, e.reason);
    addAll(this.popular, viewer && viewer.model.views > 0 ? "trending" : "popular");
    let freshCount = 0;
    for (let i = this.newest.length - 1; i >= 0 && freshCount < this.params.fresh; i--) {
      const v = this.videos.get(this.newest[i]!);
      if (v && v.views < 20) {
        add(v.videoId, "fresh");
        freshCount++;
      }
    }
    const pool = this.publicIds;
    for (let i = 0; i < this.params.random && pool.length > 0; i++) add(pool[Math.floor(random() * pool.length)]!, "exploration");
    return candidates;
  }

  /** The candidates that pass the filters, best first by predicted watch-through plus the uncertainty bonus. */
  private score(req: PageRequest, viewer: ViewerEntry | undefined, candidates: Map<string, Reason>): Scored[] {
    // One taste for the whole page: it is fixed while the page is ranked.
    const taste = viewer ? this.tasteOf(viewer) : undefined;
    const scored: Scored[] = [];
    const followedSet = new Set(req.followed ?? []);
    // Optimism about quality too (UCB on the video's appeal): a video with few views gets
    // its appeal's standard deviation on top, so views spread over more unproven videos
    // and the good ones among them are found (tuning harness: WTR +0.015 to +0.02 on two
    // seeds, coverage 0.25 → 0.27; twice the weight over-explores).
    const appealBonus = this.params.appealExplore * Math.max(0, this.ranker.weights[APPEAL]!);
    for (const [id, reason] of candidates) {
      const v = this.videos.get(id);
      if (!v || req.exclude.has(id) || viewer?.seen.has(id) || v.creatorId === req.userId) continue;
      if (!req.visible(v)) continue;
      const x = this.featuresOf(viewer, taste, v, [], req.now, followedSet.has(v.creatorId));
      scored.push({ v, reason, base: this.ranker.logit(x) + appealBonus / Math.sqrt(v.information + VIDEO_PRIOR), x });
    }
    // The uncertainty bonus (LinUCB's): it shrinks on its own along the directions the
    // viewer's views have explored, so a new viewer is shown a spread of topics and a known
    // one keeps probing the tastes it is still unsure about (a fixed fade by view count
    // starved that: tuning harness WTR −0.01 to −0.02, recovery after drift slower).
    const explore = this.params.explore * this.ranker.weights[1]!;
    // A quadratic form per video, so only for the best few hundred by predicted
    // watch-through; the rest get the smallest of those bonuses (exploring beyond them is
    // the random candidates' job).
    scored.sort((a, b) => b.base - a.base);
    let least = Infinity;
    for (let i = 0; i < scored.length; i++) {
      const c = scored[i]!;
      if (i < BONUS_FOR) {
        const bonus = explore * (viewer ? viewer.model.uncertainty(this.vectorOf, this.epoch, c.v.vector) : 1);
        c.base += bonus;
        least = Math.min(least, bonus);
      } else c.base += least;
    }
    return scored.sort((a, b) => b.base - a.base);
  }

  /** Re-ranking, slot by slot: the diversity rules, topic repetition and the cold-start spread. */
  private rerank(req: PageRequest, viewer: ViewerEntry | undefined, shortlist: Scored[]): { items: PageItem[]; prefetch: string[] } {
    const repetitionWeight = Math.min(0, this.ranker.weights[4]!);
    const history: Served[] = req.history.map((h) => ({ creatorId: h.creatorId, soundId: h.soundId }));
    const window = this.recentVectors(req.history.slice(-REPETITION_WINDOW).map((h) => h.videoId));
    // Cold start: while the viewer has seen fewer than COLD_START_VIEWS videos, a candidate
    // close to anything they have already been shown is held back, so the first pages try
    // as many different subjects as they can (maximal marginal relevance).
    const early = viewer && viewer.model.views < COLD_START_VIEWS && this.params.spread > 0 ? this.recentVectors(viewer.early) : [];
    const repetition = new Repetition(shortlist.map((c) => c.v.vector), window, early, this.params.spread, REPETITION_WINDOW);
    const taken = new Uint8Array(shortlist.length);
    const pick = (): number => {
      const allows = nextAllowed(history);
      let best = -1;
      let bestValue = -Infinity;
      for (let i = 0; i < shortlist.length; i++) {
        const c = shortlist[i]!;
        // Penalties only lower a score: nothing further down can beat the best.
        if (c.base <= bestValue) break;
        if (taken[i] || !allows(c.v)) continue;
        const value = c.base + repetitionWeight * repetition.of(i);
        if (value > bestValue) [best, bestValue] = [i, value];
      }
      return best;
    };
    const place = (i: number) => {
      const c = shortlist[i]!;
      taken[i] = 1;
      history.push({ creatorId: c.v.creatorId, soundId: c.v.soundId });
      repetition.enter(c.v.vector);
    };
    const items: PageItem[] = [];
    while (items.length < req.limit) {
      const i = pick();
      if (i < 0) break;
      place(i);
      const c = shortlist[i]!;
      items.push({ videoId: c.v.videoId, reason: c.reason, score: this.ranker.predict(c.x) });
    }
    const prefetch: string[] = [];
    while (prefetch.length < 3) {
      const i = pick();
      if (i < 0) break;
      place(i);
      prefetch.push(shortlist[i]!.v.videoId);
    }
    return { items, prefetch };
  }

  // ---- internals ---------------------------------------------------------------------

  private readonly vectorOf = (videoId: string) => this.videos.get(videoId)?.vector;

  private tasteOf(viewer: ViewerEntry): Float32Array {
    return viewer.model.taste(this.vectorOf, this.epoch);
  }

  private contentVector(tokens: TokenList): Float32Array {
    const e = this.embedding.embed(tokens);
    addScaled(e, this.center, -1);
    return normalize(e);
  }

  private viewer(key: string): ViewerEntry {
    let v = this.viewers.get(key);
    if (!v) this.viewers.set(key, (v = { model: new ViewerModel(this.params.viewer), recent: [], early: [], finished: [], seen: new Set(), creators: new Map() }));
    return v;
  }

  /** One string per creator or sound id, whichever event it came from. */
  private shared(id: string): string {
    const known = this.ids.get(id);
    if (known !== undefined) return known;
    this.ids.set(id, id);
    return id;
  }

  /** A slot for a new video; when the columns grew, every entry's vector view is re-taken on the new array. */
  private allocSlot(): number {
    const before = this.columns.vectors;
    const slot = this.columns.alloc();
    if (this.columns.vectors !== before) for (const v of this.videos.values()) v.vector = this.columns.vectorAt(v.slot);
    return slot;
  }

  private creator(id: string): CreatorStats {
    let c = this.creators.get(id);
    if (!c) this.creators.set(id, (c = { views: 0, completions: 0, surprise: 0, information: 0, videos: [] }));
    return c;
  }

  private bumpCoWatched(a: string, b: string): void {
    let row = this.coWatched.get(a);
    if (!row) this.coWatched.set(a, (row = new Map()));
    row.set(b, (row.get(b) ?? 0) + 1);
    if (row.size > 200) {
      // Keep the strongest half: the list only feeds candidates.
      const kept = [...row].sort((x, y) => y[1] - x[1]).slice(0, 100);
      this.coWatched.set(a, new Map(kept));
    }
  }

  /**
   * Quality beyond the viewer match, as a logit: the creator's and the video's surprise,
   * each one Newton step of a per-creator and per-video bias from a zero prior (a video
   * needs a view or so of evidence to move, a creator about ten).
   */
  private appeal(v: VideoEntry): number {
    const c = this.creators.get(v.creatorId);
    const creatorBias = c ? c.surprise / (c.information + CREATOR_PRIOR) : 0;
    return creatorBias + v.surprise / (v.information + VIDEO_PRIOR);
  }

  private recentVectors(ids: readonly string[]): Float32Array[] {
    const out: Float32Array[] = [];
    for (const id of ids) {
      const v = this.videos.get(id);
      if (v) out.push(v.vector);
    }
    return out;
  }

  /**
   * `taste`: the viewer's, fitted for a page or the last fit when learning a view (no taste
   * yet counts as zero).
   */
  private featuresOf(
    viewer: ViewerEntry | undefined,
    taste: Float32Array | undefined,
    v: VideoEntry,
    recent: readonly Float32Array[],
    now: number,
    follows = false,
  ): FeatureVector {
    let repetition = 0;
    for (const r of recent) repetition += Math.max(0, dot(v.vector, r));
    const finishedOfCreator = viewer?.creators.get(v.creatorId) ?? 0;
    return features({
      taste: taste ? dot(taste, v.vector) : 0,
      appeal: this.appeal(v),
      duration: Math.log(Math.max(1000, v.durationMs) / 20_000),
      repetition,
      creator: Math.log1p(finishedOfCreator) + (follows ? 1 : 0),
      age: Math.log1p(Math.max(0, now - v.createdAt) / DAY),
    });
  }

  private exactNearest(vector: Float32Array, k: number): string[] {
    const top: { id: string; s: number }[] = [];
    for (const id of this.publicIds) {
      const v = this.videos.get(id);
      if (!v) continue;
      const s = dot(vector, v.vector);
      if (top.length < k) {
        top.push({ id, s });
        if (top.length === k) top.sort((a, b) => a.s - b.s);
      } else if (s > top[0]!.s) {
        top[0] = { id, s };
        // Keep ascending order by sifting the new minimum into place.
        for (let i = 0; i + 1 < top.length && top[i]!.s > top[i + 1]!.s; i++) [top[i], top[i + 1]] = [top[i + 1]!, top[i]!];
      }
    }
    return top.sort((a, b) => b.s - a.s).map((t) => t.id);
  }
}
