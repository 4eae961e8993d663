// The simulated world: topics, creators, sounds, videos and viewers, deterministic for a
// seed. Videos carry visible features (hashtags, caption, sound, duration, creator),
// which are all the server ever gets, and hidden ones (topic mix m, quality q), which
// only the viewers' watching model and the oracle use. Viewers' tastes θ are hidden too.
import type { RunParams, WorldParams } from "./config.js";
import { mixSeed, Rng, Sampler, zipfWeights } from "./rng.js";

export interface Topic {
  /** 3–5 hashtag words. */
  hashtags: string[];
  /** Caption words of the topic. */
  vocabulary: string[];
}

export interface Creator {
  homeTopic: number;
  /** Hidden quality offset q_c. */
  quality: number;
}

export interface Sound {
  /** The topic the sound leans to. */
  topic: number;
  title: string;
}

/**
 * The catalogue as columns (20,000 videos × T topics is read in hot loops).
 * Hidden: mix, mixNorm, quality, topic. Visible: creator, sound, durationMs, hashtags,
 * caption, ageMs.
 */
export interface Catalogue {
  size: number;
  creator: Int32Array;
  sound: Int32Array;
  /** Dominant topic of the mix (always the creator's home topic: it carries weight ≥ ½). */
  topic: Int32Array;
  /** Topic mixes, row-major: mix[v·T + t]. */
  mix: Float64Array;
  mixNorm: Float64Array;
  quality: Float64Array;
  durationMs: Int32Array;
  hashtags: string[][];
  caption: string[];
  /** How long before the import the video was posted. */
  ageMs: Float64Array;
}

export interface ViewerSpec {
  index: number;
  background: boolean;
  /** Taste before the drift, and after it. */
  theta: Float64Array;
  thetaAfter: Float64Array;
  /** Seed of the viewer's own randomness (noise, replays, likes): the same under every policy. */
  seed: number;
}

export interface World {
  params: WorldParams;
  seed: number;
  topics: Topic[];
  creators: Creator[];
  sounds: Sound[];
  videos: Catalogue;
  /** Background viewers first, then the measured ones. */
  viewers: ViewerSpec[];
}

const NOISE_WORDS = (
  "the a my this that so just when you me we it is of and to in on for with at vibes today " +
  "new day time look watch wait best ever pov lol omg part try first last again really real " +
  "love like go now here back all our your one more little big good"
).split(" ");

const ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cl", "dr", "fl", "gr", "kr", "pl", "sk", "st", "tr", "ch", "sh"];
const NUCLEI = ["a", "e", "i", "o", "u", "ai", "ou", "ee", "oo", "ia"];
const CODAS = ["", "", "", "n", "r", "s", "l", "m", "x", "k"];

function pseudoWord(rng: Rng, syllables: number): string {
  let w = "";
  for (let i = 0; i < syllables; i++) w += rng.pick(ONSETS) + rng.pick(NUCLEI);
  return w + rng.pick(CODAS);
}

/** Builds the world for a seed: the same seed and parameters give the same world. */
export function buildWorld(params: WorldParams, run: Pick<RunParams, "seed" | "viewers" | "backgroundViewers">): World {
  const seed = run.seed;
  const topics = buildTopics(params, new Rng(mixSeed(seed, 1)));
  const creators = buildCreators(params, new Rng(mixSeed(seed, 2)));
  const sounds = buildSounds(params, topics, new Rng(mixSeed(seed, 3)));
  const videos = buildCatalogue(params, topics, creators, sounds, new Rng(mixSeed(seed, 4)));
  const viewers = buildViewers(params, run, new Rng(mixSeed(seed, 5)));
  return { params, seed, topics, creators, sounds, videos, viewers };
}

function buildTopics(p: WorldParams, rng: Rng): Topic[] {
  const used = new Set<string>(NOISE_WORDS);
  const fresh = (syllables: number) => {
    for (;;) {
      const w = pseudoWord(rng, syllables);
      if (!used.has(w)) {
        used.add(w);
        return w;
      }
    }
  };
  return Array.from({ length: p.topics }, () => ({
    hashtags: Array.from({ length: rng.intBetween(3, 5) }, () => fresh(3)),
    vocabulary: Array.from({ length: 30 }, () => fresh(2)),
  }));
}

function buildCreators(p: WorldParams, rng: Rng): Creator[] {
  return Array.from({ length: p.creators }, () => ({ homeTopic: rng.int(p.topics), quality: rng.normal(0, p.creatorQualitySd) }));
}

function buildSounds(p: WorldParams, topics: Topic[], rng: Rng): Sound[] {
  return Array.from({ length: p.sounds }, (_, i) => {
    const topic = rng.int(p.topics);
    return { topic, title: `${rng.pick(topics[topic]!.vocabulary)} ${rng.pick(NOISE_WORDS)} ${i + 1}` };
  });
}

/** Splits `total` into parts proportional to weights (largest remainders), each ≥ 1. */
export function apportion(weights: number[], total: number): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const spare = total - weights.length;
  if (spare < 0) throw new Error(`cannot give ${weights.length} parts at least 1 out of ${total}`);
  const exact = weights.map((w) => (w / sum) * spare);
  const counts = exact.map((x) => 1 + Math.floor(x));
  let left = total - counts.reduce((s, c) => s + c, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) counts[order[k % order.length]![1]]! += 1;
  return counts;
}

function buildCatalogue(p: WorldParams, topics: Topic[], creators: Creator[], sounds: Sound[], rng: Rng): Catalogue {
  const T = p.topics;
  const V = p.videos;
  // Videos per creator: Zipf over a random ranking of the creators.
  const creatorRank = rng.shuffle(Array.from({ length: creators.length }, (_, i) => i));
  const zc = zipfWeights(creators.length, p.creatorZipf);
  const perCreator = apportion(creatorRank.map((r) => zc[r]!), V);

  // Sound popularity: Zipf over a random ranking; per topic, the sounds leaning to it.
  const soundRank = rng.shuffle(Array.from({ length: sounds.length }, (_, i) => i));
  const zs = zipfWeights(sounds.length, p.soundZipf);
  const soundWeight = soundRank.map((r) => zs[r]!);
  const anySound = new Sampler(soundWeight);
  const byTopic = Array.from({ length: T }, (_, t) => {
    const ids = sounds.flatMap((s, i) => (s.topic === t ? [i] : []));
    return ids.length ? { ids, sampler: new Sampler(ids.map((i) => soundWeight[i]!)) } : undefined;
  });

  const order: number[] = [];
  perCreator.forEach((n, c) => {
    for (let k = 0; k < n; k++) order.push(c);
  });
  rng.shuffle(order);

  const cat: Catalogue = {
    size: V,
    creator: new Int32Array(V),
    sound: new Int32Array(V),
    topic: new Int32Array(V),
    mix: new Float64Array(V * T),
    mixNorm: new Float64Array(V),
    quality: new Float64Array(V),
    durationMs: new Int32Array(V),
    hashtags: new Array<string[]>(V),
    caption: new Array<string>(V),
    ageMs: new Float64Array(V),
  };
  const dayMs = 86_400_000;
  for (let v = 0; v < V; v++) {
    const c = order[v]!;
    const creator = creators[c]!;
    cat.creator[v] = c;
    const m = rng.dirichlet(p.videoConcentration, T);
    m[creator.homeTopic]! += 1;
    let norm = 0;
    let best = 0;
    for (let t = 0; t < T; t++) {
      m[t]! /= 2;
      cat.mix[v * T + t] = m[t]!;
      norm += m[t]! * m[t]!;
      if (m[t]! > m[best]!) best = t;
    }
    cat.mixNorm[v] = Math.sqrt(norm);
    cat.topic[v] = best;

    const tags = new Set<string>();
    const nTags = rng.intBetween(1, 4);
    for (let tries = 0; tags.size < nTags && tries < 20; tries++) tags.add(rng.pick(topics[rng.categorical(m)]!.hashtags));
    cat.hashtags[v] = [...tags];

    const words: string[] = [];
    const nWords = rng.intBetween(5, 12);
    for (let k = 0; k < nWords; k++) words.push(rng.chance(p.captionNoise) ? rng.pick(NOISE_WORDS) : rng.pick(topics[rng.categorical(m)]!.vocabulary));
    cat.caption[v] = words.join(" ");

    const leaning = rng.chance(p.soundTopicLean) ? byTopic[rng.categorical(m)] : undefined;
    cat.sound[v] = leaning ? leaning.ids[leaning.sampler.draw(rng)]! : anySound.draw(rng);

    const d = Math.min(p.durationMaxS, Math.max(p.durationMinS, rng.lognormal(Math.log(p.durationMedianS), p.durationSigma)));
    cat.durationMs[v] = Math.round(d * 1000);
    cat.quality[v] = rng.normal(0, p.videoQualitySd) + p.creatorQualityShare * creator.quality;
    cat.ageMs[v] = 60_000 + rng.next() * p.catalogueAgeDays * dayMs;
  }
  return cat;
}

function buildViewers(p: WorldParams, run: Pick<RunParams, "seed" | "viewers" | "backgroundViewers">, rng: Rng): ViewerSpec[] {
  const n = run.backgroundViewers + run.viewers;
  return Array.from({ length: n }, (_, index) => ({
    index,
    background: index < run.backgroundViewers,
    theta: Float64Array.from(rng.dirichlet(p.viewerConcentration, p.topics)),
    thetaAfter: Float64Array.from(rng.dirichlet(p.viewerConcentration, p.topics)),
    seed: mixSeed(run.seed, 6, index),
  }));
}

/** cos(θ, m_v). */
export function affinity(world: World, theta: Float64Array, thetaNorm: number, v: number): number {
  const T = world.params.topics;
  const mix = world.videos.mix;
  let dot = 0;
  for (let t = 0, o = v * T; t < T; t++) dot += theta[t]! * mix[o + t]!;
  return dot / (thetaNorm * world.videos.mixNorm[v]!);
}

export const norm = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
};
