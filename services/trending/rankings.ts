// The computed rankings (the fast role's shared store, a cache): per kind and window, the
// latest computation under one key — a page, and trendingVideoIds, cost one read — and
// each computation under its own id for a while, so a cursor keeps paging the ranking it
// came from after the next refresh.
import { defineCache, type Cache, type CacheSpec } from "@flick/read-store";
import type { Platform } from "../platform/platform.js";
import type { Ranked } from "./score.js";
import type { WindowName } from "./windows.js";

export type RankingKind = "videos" | "hashtags" | "sounds";

export interface Ranking {
  /** Names this computation (cursors carry it). */
  id: string;
  kind: RankingKind;
  window: WindowName;
  computedAt: Date;
  entries: Ranked[];
}

/** How long a computation stays readable by id (a cursor's life). */
export const COMPUTATION_TTL_SECONDS = 30 * 60;
/** The latest ranking outlives many refreshes, but a stopped scorer's ranking goes away. */
export const LATEST_TTL_SECONDS = 24 * 3600;
/** An in-process copy of the latest ranking is trusted this long (rankings change only when recomputed). */
const LATEST_MEMO_MS = 5_000;

export const rankingsCache: CacheSpec = defineCache("trending_rankings", { ttlSeconds: COMPUTATION_TTL_SECONDS });

const latestKey = (kind: RankingKind, window: WindowName) => `${kind}/${window}/latest`;
const computationKey = (kind: RankingKind, window: WindowName, id: string) => `${kind}/${window}/${id}`;

interface Stored {
  id: string;
  at: number;
  /** [id, score, window views, window videos] */
  e: [string, number, number, number][];
}

const encode = (r: Ranking): string => JSON.stringify({ id: r.id, at: r.computedAt.getTime(), e: r.entries.map((x) => [x.id, x.score, x.views, x.videos]) } satisfies Stored);

function decode(kind: RankingKind, window: WindowName, raw: string | undefined): Ranking | undefined {
  if (!raw) return undefined;
  const s = JSON.parse(raw) as Stored;
  return { id: s.id, kind, window, computedAt: new Date(s.at), entries: s.e.map(([id, score, views, videos]) => ({ id, score, views, videos })) };
}

export class Rankings {
  private readonly latestMemo = new Map<string, { at: number; ranking: Ranking }>();
  private readonly byIdMemo = new Map<string, Ranking>();

  constructor(private readonly cache: Cache) {}

  async latest(kind: RankingKind, window: WindowName): Promise<Ranking | undefined> {
    const key = latestKey(kind, window);
    const memo = this.latestMemo.get(key);
    if (memo && Date.now() - memo.at < LATEST_MEMO_MS) return memo.ranking;
    const ranking = decode(kind, window, await this.cache.get(key));
    // Not remembered while absent: the first refresh must show at once.
    if (ranking) this.latestMemo.set(key, { at: Date.now(), ranking });
    return ranking;
  }

  /** A computation by id, while it is kept. */
  async byId(kind: RankingKind, window: WindowName, id: string): Promise<Ranking | undefined> {
    const key = computationKey(kind, window, id);
    const memo = this.byIdMemo.get(key);
    if (memo) return memo;
    const latest = await this.latest(kind, window);
    const ranking = latest?.id === id ? latest : decode(kind, window, await this.cache.get(key));
    if (ranking) {
      // Computations never change: a few are kept in process (the newest replace the oldest).
      if (this.byIdMemo.size >= 32) this.byIdMemo.delete(this.byIdMemo.keys().next().value!);
      this.byIdMemo.set(key, ranking);
    }
    return ranking;
  }

  /**
   * Stores a computation and makes it the latest, unless a newer one (by computation
   * time) is there already: two scorers finishing out of order never move the ranking
   * back in time.
   */
  async save(r: Ranking): Promise<void> {
    const raw = encode(r);
    await this.cache.set(computationKey(r.kind, r.window, r.id), raw);
    const key = latestKey(r.kind, r.window);
    const current = decode(r.kind, r.window, await this.cache.get(key));
    if (current && current.computedAt.getTime() > r.computedAt.getTime()) return;
    await this.cache.set(key, raw, { ttlSeconds: LATEST_TTL_SECONDS });
    this.latestMemo.set(key, { at: Date.now(), ranking: r });
  }
}

const perPlatform = new WeakMap<Platform, Promise<Rankings>>();

/** The rankings of a platform (its cache structure created once). */
export function rankingsOf(platform: Platform): Promise<Rankings> {
  let r = perPlatform.get(platform);
  if (!r) {
    const store = platform.engines.stores.fast.store;
    perPlatform.set(platform, (r = store.ensure(rankingsCache).then(() => new Rankings(store.cache(rankingsCache)))));
    r.catch(() => perPlatform.delete(platform));
  }
  return r;
}
