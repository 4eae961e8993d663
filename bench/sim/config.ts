// The simulator's parameters: the documented world (bench/SIMULATOR.md) by default, any
// member of the family of worlds from a JSON file, and the run's size from flags.
// Family parameters are checked against the family's ranges: a server must do well on
// every member, so a config outside them measures something the targets do not promise.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

/** The world and the watching model. Hidden from the server, except what videos show. */
export interface WorldParams {
  /** Number of topics T. */
  topics: number;
  /** Dirichlet concentration of viewers' tastes θ. */
  viewerConcentration: number;
  /** Dirichlet concentration of videos' topic mixes m (before the home topic's weight 1). */
  videoConcentration: number;
  /** Zipf exponent of videos per creator. */
  creatorZipf: number;
  /** Zipf exponent of sound popularity. */
  soundZipf: number;
  /** z = intercept + affinityWeight·cos(θ, m) + qualityWeight·q − lengthWeight·ln(d/20) − … */
  affinityWeight: number;
  qualityWeight: number;
  intercept: number;
  /** Penalty per appearance of the video's topic among the last `fatigueWindow` videos. */
  topicFatigue: number;
  /** Tastes are replaced after this many swipes (swipe driftSwipe+1 sees the new taste). */
  driftSwipe: number;

  creators: number;
  videos: number;
  sounds: number;
  creatorQualitySd: number;
  videoQualitySd: number;
  creatorQualityShare: number;
  durationMedianS: number;
  durationSigma: number;
  durationMinS: number;
  durationMaxS: number;
  lengthWeight: number;
  sameCreatorPenalty: number;
  noiseSd: number;
  fatigueWindow: number;
  /** Given a completion, a replay happens with probability replayFactor·p. */
  replayFactor: number;
  likeProbability: number;
  shareProbability: number;
  /** Follow a creator after this many completed videos by them. */
  followAfter: number;
  /** Share of caption words that are generic noise rather than topic words. */
  captionNoise: number;
  /** Share of a video's sound draws taken from sounds leaning to the video's topic. */
  soundTopicLean: number;
  /** created_at is spread uniformly over this many past days. */
  catalogueAgeDays: number;
}

/** The run: who watches, how much, and against what. */
export interface RunParams {
  seed: number;
  viewers: number;
  swipes: number;
  backgroundViewers: number;
  backgroundSwipes: number;
  pageSize: number;
  /**
   * Viewers run at once against the server (each viewer is sequential, with no pause
   * between swipes, so the server runs flat out whatever the number): it sets how many
   * calls a page queues behind. 8 keeps the 2-core machine's server busy (~440 views and
   * ~55 pages a second) without measuring mostly the queue; 24 gets ~35 % more through at
   * twice the page latency (README: both).
   */
  concurrency: number;
  /** A running server to measure; absent: the simulator starts its own. */
  url?: string;
  /** Server profile when the simulator starts its own (FLICK_PROFILE). */
  profile: string;
  /** Directory of the server's blob store, to stage the reused media in (with --url). */
  blobDir?: string;
  /** Skip the server: baselines only. */
  baselinesOnly: boolean;
  /** Sounds as library tracks (ImportLibrarySound) rather than original sounds of imported videos. */
  librarySounds: boolean;
}

export interface SimConfig {
  world: WorldParams;
  run: RunParams;
}

export const documentedWorld: WorldParams = {
  topics: 20,
  viewerConcentration: 0.3,
  videoConcentration: 0.15,
  creatorZipf: 1.1,
  soundZipf: 1.0,
  affinityWeight: 5.5,
  qualityWeight: 0.8,
  intercept: -2.4,
  topicFatigue: 0.3,
  driftSwipe: 150,

  creators: 500,
  videos: 20_000,
  sounds: 300,
  creatorQualitySd: 0.5,
  videoQualitySd: 0.7,
  creatorQualityShare: 0.6,
  durationMedianS: 20,
  durationSigma: 0.6,
  durationMinS: 5,
  durationMaxS: 180,
  lengthWeight: 0.5,
  sameCreatorPenalty: 0.8,
  noiseSd: 0.5,
  fatigueWindow: 5,
  replayFactor: 0.25,
  likeProbability: 0.3,
  shareProbability: 0.03,
  followAfter: 3,
  captionNoise: 0.2,
  soundTopicLean: 0.8,
  catalogueAgeDays: 30,
};

export const defaultRun: RunParams = {
  seed: 1,
  viewers: 300,
  swipes: 300,
  backgroundViewers: 200,
  backgroundSwipes: 100,
  pageSize: 8,
  concurrency: 8,
  profile: "embedded",
  baselinesOnly: false,
  librarySounds: false,
};

type Range = readonly [min: number, max: number];

/** The family of worlds (SIMULATOR.md): the server must do well anywhere inside. */
export const familyRanges: Partial<Record<keyof WorldParams, Range>> = {
  topics: [12, 32],
  viewerConcentration: [0.2, 0.5],
  videoConcentration: [0.1, 0.3],
  creatorZipf: [1.0, 1.3],
  soundZipf: [0.8, 1.3],
  affinityWeight: [4, 6],
  qualityWeight: [0.6, 1.4],
  intercept: [-2.6, -2.0],
  topicFatigue: [0.2, 0.5],
  driftSwipe: [120, 180],
};

/** Sanity bounds for the rest (sizes and model constants the family keeps fixed). */
const sanityRanges: Partial<Record<keyof WorldParams, Range>> = {
  creators: [2, 100_000],
  videos: [10, 1_000_000],
  sounds: [1, 100_000],
  creatorQualitySd: [0, 5],
  videoQualitySd: [0, 5],
  creatorQualityShare: [0, 5],
  durationMedianS: [1, 180],
  durationSigma: [0, 3],
  durationMinS: [1, 180],
  durationMaxS: [1, 180],
  lengthWeight: [0, 5],
  sameCreatorPenalty: [0, 10],
  noiseSd: [0, 5],
  fatigueWindow: [0, 50],
  replayFactor: [0, 1],
  likeProbability: [0, 1],
  shareProbability: [0, 1],
  followAfter: [1, 1000],
  captionNoise: [0, 1],
  soundTopicLean: [0, 1],
  catalogueAgeDays: [0, 3650],
};

const integerWorldKeys: (keyof WorldParams)[] = ["topics", "driftSwipe", "creators", "videos", "sounds", "fatigueWindow", "followAfter"];

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Every problem with a world, as readable lines (empty when valid). */
export function worldProblems(w: WorldParams, run?: Pick<RunParams, "swipes">): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(documentedWorld) as (keyof WorldParams)[]) {
    const v = w[key];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      problems.push(`${key}: must be a finite number, got ${JSON.stringify(v)}`);
      continue;
    }
    if (integerWorldKeys.includes(key) && !Number.isInteger(v)) problems.push(`${key}: must be an integer, got ${v}`);
    const family = familyRanges[key];
    if (family && (v < family[0] || v > family[1])) problems.push(`${key}: ${v} is outside the family's range [${family[0]}, ${family[1]}]`);
    const sane = sanityRanges[key];
    if (sane && (v < sane[0] || v > sane[1])) problems.push(`${key}: ${v} is outside [${sane[0]}, ${sane[1]}]`);
  }
  if (w.durationMinS > w.durationMaxS) problems.push(`durationMinS (${w.durationMinS}) exceeds durationMaxS (${w.durationMaxS})`);
  if (w.videos < w.creators) problems.push(`videos (${w.videos}) must be at least creators (${w.creators}): every creator posts`);
  if (run && w.driftSwipe >= run.swipes) problems.push(`driftSwipe (${w.driftSwipe}) must be below swipes (${run.swipes}) to measure recovery`);
  return problems;
}

function runProblems(r: RunParams): string[] {
  const problems: string[] = [];
  const positiveInt = (key: keyof RunParams, min = 1) => {
    const v = r[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) problems.push(`${key}: must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  };
  positiveInt("seed", 0);
  positiveInt("viewers");
  positiveInt("swipes");
  positiveInt("backgroundViewers", 0);
  positiveInt("backgroundSwipes", 0);
  positiveInt("pageSize");
  positiveInt("concurrency");
  if (r.pageSize > 50) problems.push(`pageSize: GetForYouFeed pages hold at most 50, got ${r.pageSize}`);
  if (r.url !== undefined && !/^https?:\/\//.test(r.url)) problems.push(`url: must start with http:// or https://, got ${r.url}`);
  return problems;
}

/**
 * The configuration from a JSON object `{ world?: Partial<WorldParams>, run?: Partial<RunParams> }`
 * (a flat object of world parameters is accepted too) over the documented defaults.
 */
export function configFrom(json: unknown, overrides: Partial<RunParams> = {}): SimConfig {
  if (json !== undefined && (typeof json !== "object" || json === null || Array.isArray(json))) throw new ConfigError("a config file holds one JSON object");
  const obj = (json ?? {}) as Record<string, unknown>;
  const nested = "world" in obj || "run" in obj;
  const worldPart = (nested ? obj.world : obj) ?? {};
  const runPart = (nested ? obj.run : {}) ?? {};
  const unknownWorld = Object.keys(worldPart).filter((k) => !(k in documentedWorld) && k !== "$comment");
  const unknownRun = Object.keys(runPart).filter((k) => !(k in defaultRun) && k !== "url" && k !== "blobDir" && k !== "$comment");
  const unknownTop = nested ? Object.keys(obj).filter((k) => k !== "world" && k !== "run" && k !== "$comment") : [];
  const unknown = [...unknownTop, ...unknownWorld, ...unknownRun.map((k) => `run.${k}`)];
  if (unknown.length) throw new ConfigError(`unknown parameter(s): ${unknown.join(", ")}`);
  const strip = (o: object) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== "$comment"));
  const world = { ...documentedWorld, ...strip(worldPart) } as WorldParams;
  const run = { ...defaultRun, ...strip(runPart), ...definedOnly(overrides) } as RunParams;
  const problems = [...worldProblems(world, run), ...runProblems(run)];
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  return { world, run };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const usage = `usage: npm run bench:sim -- [options]
  --config FILE      a member of the family of worlds (JSON; see bench/sim/configs/)
  --seed N           world and viewer seed (default 1)
  --viewers N        measured viewers (default 300)
  --swipes N         swipes per measured viewer (default 300)
  --videos N         catalogue size (default 20000)
  --background N     background viewers that warm the platform up first (default 200)
  --background-swipes N  swipes per background viewer (default 100)
  --concurrency N    viewers at once against the server (default 8)
  --url URL          measure a running server instead of starting one; its FLICK_ADMINS
                     must name the --admin username (password: $SIM_ADMIN_PASSWORD)
  --admin NAME       admin username, registered or signed in (default sim_admin)
  --blob-dir DIR     with --url: the server's blob directory, to stage the reused media in
  --profile NAME     profile of the server the simulator starts (default embedded)
  --library-sounds   import the sounds as library tracks (ImportLibrarySound, which
                     transcodes each) instead of as original sounds of their first video
  --baselines-only   skip the server: in-process baselines only`;

export interface CliOptions {
  config: SimConfig;
  admin: string;
  help: boolean;
}

export function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      seed: { type: "string" },
      viewers: { type: "string" },
      swipes: { type: "string" },
      videos: { type: "string" },
      background: { type: "string" },
      "background-swipes": { type: "string" },
      concurrency: { type: "string" },
      url: { type: "string" },
      admin: { type: "string" },
      "blob-dir": { type: "string" },
      profile: { type: "string" },
      "baselines-only": { type: "boolean" },
      "library-sounds": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new ConfigError(`--${name}: not a number: ${v}`);
    return n;
  };
  let json: unknown;
  if (values.config) {
    try {
      json = JSON.parse(readFileSync(values.config, "utf8"));
    } catch (e) {
      throw new ConfigError(`--config ${values.config}: ${(e as Error).message}`);
    }
  }
  const overrides: Partial<RunParams> = {
    seed: num("seed", values.seed),
    viewers: num("viewers", values.viewers),
    swipes: num("swipes", values.swipes),
    backgroundViewers: num("background", values.background),
    backgroundSwipes: num("background-swipes", values["background-swipes"]),
    concurrency: num("concurrency", values.concurrency),
    url: values.url,
    blobDir: values["blob-dir"],
    profile: values.profile,
    baselinesOnly: values["baselines-only"],
    librarySounds: values["library-sounds"],
  };
  const config = configFrom(json, overrides);
  const videos = num("videos", values.videos);
  if (videos !== undefined) {
    const world = { ...config.world, videos };
    const problems = worldProblems(world, config.run);
    if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
    config.world = world;
  }
  return { config, admin: values.admin ?? "sim_admin", help: values.help ?? false };
}
