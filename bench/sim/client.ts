// The platform client: everything the simulator does to the server goes through the
// public API. It registers the creators and the viewers, loads the catalogue with the
// admin bulk import (visible features only: hashtags, caption, sound, duration, creator,
// posting time), then lets the viewers scroll For You in pages, reporting every view as
// soon as it is watched and passing the latest consistency token to the next page.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ShareKind, SharePlatform, ViewSource } from "@flick/contracts/flick/engagement/v1/engagement_pb";
import { EngagementService } from "@flick/contracts/flick/engagement/v1/engagement_service_pb";
import { FeedService } from "@flick/contracts/flick/feed/v1/feed_service_pb";
import type { AuthTokens } from "@flick/contracts/flick/identity/v1/identity_pb";
import { AccountService } from "@flick/contracts/flick/identity/v1/account_service_pb";
import { SocialGraphService } from "@flick/contracts/flick/social/v1/social_graph_service_pb";
import { SoundService } from "@flick/contracts/flick/sound/v1/sound_service_pb";
import { Privacy } from "@flick/contracts/flick/video/v1/video_pb";
import { VideoService } from "@flick/contracts/flick/video/v1/video_service_pb";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ImportedOriginalSoundSchema, ImportedVideoSchema, type ImportedVideo } from "@flick/contracts/flick/video/v1/video_service_pb";
import { assetKeys, AUDIO_DURATION_MS } from "./assets.js";
import type { RunParams } from "./config.js";
import type { Session } from "./metrics.js";
import { Viewer } from "./viewer.js";
import type { World } from "./world.js";

export interface Api {
  accounts: Client<typeof AccountService>;
  social: Client<typeof SocialGraphService>;
  videos: Client<typeof VideoService>;
  sounds: Client<typeof SoundService>;
  engagement: Client<typeof EngagementService>;
  feed: Client<typeof FeedService>;
}

/**
 * One HTTP/2 connection, Connect protocol, binary messages. Sends X-Forwarded-Host as a
 * proxy would: the server builds media URLs from the request's host, and over HTTP/2
 * (no Host header) its fallback to ":authority" throws (Headers.get rejects pseudo-headers).
 */
export function connectTransport(baseUrl: string): Transport {
  const host = new URL(baseUrl).host;
  const forwardedHost: Interceptor = (next) => (req) => {
    if (!req.header.has("x-forwarded-host")) req.header.set("x-forwarded-host", host);
    return next(req);
  };
  return createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true, interceptors: [forwardedHost] });
}

export function apiOn(transport: Transport): Api {
  return {
    accounts: createClient(AccountService, transport),
    social: createClient(SocialGraphService, transport),
    videos: createClient(VideoService, transport),
    sounds: createClient(SoundService, transport),
    engagement: createClient(EngagementService, transport),
    feed: createClient(FeedService, transport),
  };
}

/** RPCs the server answered UNIMPLEMENTED: the run cannot measure it. */
export class MissingRpcs extends Error {
  override name = "MissingRpcs";
  constructor(
    readonly methods: string[],
    /** What the run did before it had to stop (the setup works without the feed). */
    readonly done?: string,
  ) {
    super(`the server does not implement ${methods.join(", ")} yet (UNIMPLEMENTED)`);
  }
}

const unimplemented = (e: unknown) => e instanceof ConnectError && e.code === Code.Unimplemented;

const transient = new Set([Code.Unavailable, Code.ResourceExhausted, Code.Aborted]);

/** Calls retried after a transient error (same request id: commands are idempotent). */
export const retries = { count: 0 };

/**
 * Runs a call; UNIMPLEMENTED becomes MissingRpcs naming the RPC, and transient errors
 * (UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED) are retried up to 5 times with backoff.
 */
async function rpc<T>(name: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (unimplemented(e)) throw new MissingRpcs([name]);
      if (attempt < 5 && e instanceof ConnectError && transient.has(e.code)) {
        retries.count++;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
        continue;
      }
      throw e;
    }
  }
}

/** A signed-in simulated user. Each simulated user has its own client address. */
export class Account {
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly api: Api,
    readonly username: string,
    readonly userId: string,
    private tokens: AuthTokens,
    readonly address: string,
    private readonly tag: string,
  ) {}

  /** Call options with a valid bearer token (refreshed a minute before it expires). */
  async options(): Promise<{ headers: Record<string, string> }> {
    const expires = this.tokens.accessTokenExpiresAt;
    if (expires && Number(expires.seconds) * 1000 - Date.now() < 60_000 && this.tokens.refreshToken) {
      this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
      await this.refreshing;
    }
    return { headers: { authorization: `Bearer ${this.tokens.accessToken}`, "x-forwarded-for": this.address } };
  }

  private async refresh(): Promise<void> {
    const res = await this.api.accounts.refreshSession(
      { requestId: requestId(this.tag, "refresh", this.username, Date.now()), refreshToken: this.tokens.refreshToken },
      { headers: { "x-forwarded-for": this.address } },
    );
    if (res.tokens) this.tokens = res.tokens;
  }
}

export function requestId(tag: string, ...parts: (string | number)[]): string {
  return [tag, ...parts].join("-").replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
}

const addressOf = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${(n & 255) || 1}`;

const PASSWORD = "sim-viewer-pass-1";

/** Registers a user, or signs in when the username exists (a rerun against the same server). */
export async function registerOrSignIn(api: Api, tag: string, username: string, password: string, addressSeed: number): Promise<Account> {
  const address = addressOf(addressSeed);
  const headers = { "x-forwarded-for": address };
  try {
    const res = await rpc("AccountService.Register", () =>
      api.accounts.register(
        { requestId: requestId(tag, "reg", username), contact: { case: "email", value: `${username.toLowerCase()}@sim.flick.test` }, password, username },
        { headers },
      ),
    );
    return new Account(api, username, res.userId, res.tokens!, address, tag);
  } catch (e) {
    if (!(e instanceof ConnectError && e.code === Code.AlreadyExists)) throw e;
    const res = await rpc("AccountService.SignIn", () =>
      api.accounts.signIn({ requestId: requestId(tag, "signin", username, Date.now()), identifier: username, password }, { headers }),
    );
    return new Account(api, username, res.userId, res.tokens!, address, tag);
  }
}

/** Runs fn over items, n at a time. */
export async function pool<T, R>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/**
 * Calls every RPC the run needs once, with requests that change nothing (missing ids),
 * and lists those answering UNIMPLEMENTED, so a run stops before a long import.
 */
export async function probe(api: Api, admin: Account, tag: string): Promise<string[]> {
  const o = await admin.options();
  const none = `${tag}_none`;
  const checks: [string, () => Promise<unknown>][] = [
    ["FeedService.GetForYouFeed", () => api.feed.getForYouFeed({ limit: 1, anonymousSessionId: `${tag}-probe-session-0000` })],
    ["EngagementService.RecordView", () => api.engagement.recordView({ requestId: requestId(tag, "probe-view"), videoId: none, watchTimeMs: 1000, completionRatio: 0.1, source: ViewSource.FYP }, o)],
    ["EngagementService.LikeVideo", () => api.engagement.likeVideo({ requestId: requestId(tag, "probe-like"), videoId: none }, o)],
    ["EngagementService.ShareVideo", () => api.engagement.shareVideo({ requestId: requestId(tag, "probe-share"), videoId: none, kind: ShareKind.EXTERNAL, platform: SharePlatform.COPY_LINK }, o)],
    ["SocialGraphService.Follow", () => api.social.follow({ requestId: requestId(tag, "probe-follow"), userId: none }, o)],
    ["VideoService.GetVideos", () => api.videos.getVideos({ videoIds: [none] }, o)],
    [
      "VideoService.ImportVideos",
      () => api.videos.importVideos({ requestId: requestId(tag, "probe-import"), videos: [{ ...mediaFields(), creatorUserId: none, durationMs: 10_000, sound: { case: "soundId", value: none } }] }, o),
    ],
  ];
  const missing: string[] = [];
  for (const [name, call] of checks) {
    try {
      await call();
    } catch (e) {
      if (unimplemented(e)) missing.push(name);
    }
  }
  return missing;
}

function mediaFields(): MessageInitShape<typeof ImportedVideoSchema> {
  return {
    width: 1080,
    height: 1920,
    masterPlaylistPath: assetKeys.master,
    renditions: [{ quality: "720p", width: 720, height: 1280, bandwidth: 2_000_000, playlistPath: assetKeys.rendition }],
    thumbnailPath: assetKeys.thumbnail,
    privacy: Privacy.PUBLIC,
  };
}

export interface Catalogue {
  /** Server video id of each world video, and back. */
  ids: string[];
  byId: Map<string, number>;
  soundMode: SoundMode;
}

type Log = (line: string) => void;

/** The sounds as library tracks (ImportLibrarySound: the server probes and transcodes each). */
async function importLibrarySounds(api: Api, admin: Account, world: World, tag: string): Promise<string[]> {
  return pool(world.sounds, 4, async (sound, i) => {
    const res = await rpc("SoundService.ImportLibrarySound", async () =>
      api.sounds.importLibrarySound(
        {
          requestId: requestId(tag, "snd", i),
          soundId: `snd_${tag}_L${i}`,
          title: sound.title,
          artist: "Flick Sim",
          audio: { case: "audioPath", value: assetKeys.audio },
          durationMs: AUDIO_DURATION_MS,
        },
        await admin.options(),
      ),
    );
    return res.sound!.soundId;
  });
}

export type SoundMode = "original" | "library";

/**
 * Loads the world's catalogue through ImportVideos as the creators' videos, in batches of
 * 500, four batches at a time. Sounds: by default the first video of each sound brings it
 * as its original sound (the import's bulk path) and the others reuse it by the id
 * GetVideos reports; with "library", the sounds are first imported as library tracks.
 */
export async function loadCatalogue(api: Api, admin: Account, world: World, creators: Account[], tag: string, soundMode: SoundMode, log: Log = () => {}): Promise<Catalogue> {
  const cat = world.videos;
  const started = performance.now();
  const since = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const ids = Array.from({ length: cat.size }, (_, v) => `vid_${tag}_${v}`);
  const now = Date.now();
  const item = (v: number, sound: ImportedVideo["sound"]): ImportedVideo =>
    create(ImportedVideoSchema, {
      ...mediaFields(),
      videoId: ids[v]!,
      creatorUserId: creators[cat.creator[v]!]!.userId,
      caption: cat.caption[v]!,
      hashtags: cat.hashtags[v]!,
      sound,
      durationMs: cat.durationMs[v]!,
      createdAt: timestampFromDate(new Date(now - cat.ageMs[v]!)),
    });
  const importBatches = async (label: string, items: ImportedVideo[]) => {
    await pool(chunks(items, 500), 4, async (batch, b) => {
      const res = await rpc("VideoService.ImportVideos", async () =>
        api.videos.importVideos({ requestId: requestId(tag, "imp", label, b), videos: batch }, await admin.options()),
      );
      const failed = res.results.filter((r) => r.errorCode);
      if (failed.length) {
        const hint = failed.some((f) => f.errorMessage.includes("blob store"))
          ? " (the reused media are not in the server's blob store: pass --blob-dir with the server's blob directory)"
          : "";
        throw new Error(`ImportVideos: ${failed.length} of ${batch.length} items failed, e.g. ${failed[0]!.errorCode}: ${failed[0]!.errorMessage}${hint}`);
      }
    });
  };

  let soundIds: string[];
  const origin = new Set<number>();
  if (soundMode === "library") {
    soundIds = await importLibrarySounds(api, admin, world, tag);
    log(`  ${soundIds.length} library sounds imported (${since()})`);
  } else {
    const firstOfSound = new Map<number, number>();
    for (let v = 0; v < cat.size; v++) if (!firstOfSound.has(cat.sound[v]!)) firstOfSound.set(cat.sound[v]!, v);
    const origins = [...firstOfSound.entries()];
    for (const [, v] of origins) origin.add(v);
    await importBatches(
      "origin",
      origins.map(([s, v]) => item(v, { case: "originalSound", value: create(ImportedOriginalSoundSchema, { title: world.sounds[s]!.title, audioPath: assetKeys.audio }) })),
    );
    log(`  ${origins.length} videos bringing the sounds imported (${since()})`);
    soundIds = new Array<string>(world.sounds.length).fill("");
    const deadline = Date.now() + 60_000;
    for (let pending = origins; pending.length; ) {
      for (const batch of chunks(pending, 100)) {
        const res = await rpc("VideoService.GetVideos", async () => api.videos.getVideos({ videoIds: batch.map(([, v]) => ids[v]!) }, await admin.options()));
        const byId = new Map(res.videos.map((x) => [x.videoId, x.sound?.soundId ?? ""]));
        for (const [s, v] of batch) soundIds[s] = byId.get(ids[v]!) ?? "";
      }
      pending = origins.filter(([s]) => !soundIds[s]);
      if (pending.length && Date.now() > deadline) throw new Error(`GetVideos: ${pending.length} imported videos still invisible after 60 s`);
      if (pending.length) await new Promise((r) => setTimeout(r, 200));
    }
    log(`  their sound ids read back (${since()})`);
  }
  const rest: ImportedVideo[] = [];
  for (let v = 0; v < cat.size; v++) if (!origin.has(v)) rest.push(item(v, { case: "soundId", value: soundIds[cat.sound[v]!]! }));
  await importBatches("main", rest);
  log(`  ${rest.length} more videos imported (${since()})`);
  return { ids, byId: new Map(ids.map((id, v) => [id, v])), soundMode };
}

/** Waits until For You serves something (the catalogue reached the feed's read models). */
export async function waitForFeed(api: Api, viewer: Account, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await rpc("FeedService.GetForYouFeed", async () => api.feed.getForYouFeed({ limit: 1 }, await viewer.options()));
    if (res.items.length) return;
    if (Date.now() > deadline) throw new Error(`For You stayed empty ${timeoutMs / 1000} s after the import`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface ViewerRun {
  /** The viewer's impressions, in order. */
  session: Session;
  /** For You calls as the client saw them, in ms. */
  latenciesMs: number[];
  /** Items that are not in the world's catalogue (someone else's videos), skipped. */
  foreign: number;
  /** Items shown again in one session. */
  repeats: number;
  pagesNotCaughtUp: number;
}

export interface Counters {
  views: number;
  pages: number;
}

/**
 * One viewer scrolling For You: page of `pageSize`, watch each item in order, report it
 * at once (RecordView; then like, share, follow as the viewer decides), then ask for the
 * next page with the cursor and the latest write's consistency token.
 */
export async function scroll(api: Api, account: Account, viewer: Viewer, catalogue: Catalogue, creators: Account[], run: RunParams, swipes: number, tag: string, counters: Counters): Promise<ViewerRun> {
  const world = viewer.world;
  const out: ViewerRun = { session: [], latenciesMs: [], foreign: 0, repeats: 0, pagesNotCaughtUp: 0 };
  const seen = new Set<number>();
  let cursor = "";
  let token = "";
  const rid = (what: string) => requestId(tag, what, viewer.spec.index, viewer.swipes);
  while (viewer.swipes < swipes) {
    const o = await account.options();
    const started = performance.now();
    const page = await rpc("FeedService.GetForYouFeed", () => api.feed.getForYouFeed({ limit: run.pageSize, cursor, consistencyToken: token }, o));
    out.latenciesMs.push(performance.now() - started);
    counters.pages++;
    if (!page.caughtUp) out.pagesNotCaughtUp++;
    for (const item of page.items) {
      if (viewer.swipes >= swipes) break;
      const v = catalogue.byId.get(item.video?.videoId ?? "");
      if (v === undefined) {
        out.foreign++;
        continue;
      }
      if (seen.has(v)) out.repeats++;
      seen.add(v);
      const watch = viewer.watch(v);
      const durationMs = world.videos.durationMs[v]!;
      const videoId = catalogue.ids[v]!;
      const view = await rpc("EngagementService.RecordView", async () =>
        api.engagement.recordView(
          {
            requestId: rid("view"),
            videoId,
            watchTimeMs: Math.round(watch.ratio * durationMs),
            completionRatio: watch.ratio,
            source: ViewSource.FYP,
            impressionId: item.impressionId,
          },
          await account.options(),
        ),
      );
      token = view.consistencyToken || token;
      counters.views++;
      if (watch.liked) {
        const like = await rpc("EngagementService.LikeVideo", async () => api.engagement.likeVideo({ requestId: rid("like"), videoId }, await account.options()));
        token = like.consistencyToken || token;
      }
      if (watch.shared) {
        const share = await rpc("EngagementService.ShareVideo", async () =>
          api.engagement.shareVideo({ requestId: rid("share"), videoId, kind: ShareKind.EXTERNAL, platform: SharePlatform.COPY_LINK }, await account.options()),
        );
        token = share.consistencyToken || token;
      }
      if (watch.followed) {
        const creator = creators[world.videos.creator[v]!]!;
        await rpc("SocialGraphService.Follow", async () => api.social.follow({ requestId: rid("follow"), userId: creator.userId }, await account.options()));
      }
      out.session.push({ video: v, creator: world.videos.creator[v]!, sound: world.videos.sound[v]!, ratio: watch.ratio });
    }
    cursor = page.nextCursor;
    if (!cursor || page.items.length === 0) break;
  }
  return out;
}

export interface ServerRun {
  sessions: Session[];
  shortSessions: number;
  latenciesMs: number[];
  backgroundLatenciesMs: number[];
  foreign: number;
  repeats: number;
  pagesNotCaughtUp: number;
  soundMode: string;
  /** Calls retried after a transient error. */
  retries: number;
  seconds: { accounts: number; catalogue: number; background: number; measured: number; total: number };
  views: number;
}

export interface ServerRunOptions {
  transport: Transport;
  admin: { username: string; password: string };
  /** Prefix of every username and id of this run (unique per run). */
  tag: string;
  soundMode: SoundMode;
  log: Log;
}

/** The whole server run: accounts, catalogue, background viewers, measured viewers. */
export async function runServer(world: World, run: RunParams, opts: ServerRunOptions): Promise<ServerRun> {
  const { tag, log } = opts;
  const api = apiOn(opts.transport);
  const t0 = performance.now();
  const lap = (() => {
    let last = t0;
    return () => {
      const now = performance.now();
      const s = (now - last) / 1000;
      last = now;
      return s;
    };
  })();

  const admin = await registerOrSignIn(api, tag, opts.admin.username, opts.admin.password, 1);
  // Without the feed, the setup still runs (and is timed); without anything else, stop now.
  const missing = await probe(api, admin, tag);
  if (missing.some((m) => !m.startsWith("FeedService."))) throw new MissingRpcs(missing);

  const creators = await pool(world.creators, 16, (_c, i) => registerOrSignIn(api, tag, `${tag}_c${i}`, PASSWORD, 1000 + i));
  const viewers = await pool(world.viewers, 16, (s) => registerOrSignIn(api, tag, `${tag}_v${s.index}`, PASSWORD, 200_000 + s.index));
  const accountsS = lap();
  log(`accounts: ${creators.length} creators, ${viewers.length} viewers in ${accountsS.toFixed(1)} s`);

  const catalogue = await loadCatalogue(api, admin, world, creators, tag, opts.soundMode, log);
  if (missing.length) {
    const done = `accounts ${accountsS.toFixed(1)} s, catalogue of ${world.videos.size} videos (${catalogue.soundMode} sounds) ${lap().toFixed(1)} s`;
    log(`setup done without the feed: ${done}`);
    throw new MissingRpcs(missing, done);
  }
  await waitForFeed(api, viewers[0]!);
  const catalogueS = lap();
  log(`catalogue: ${world.videos.size} videos (${catalogue.soundMode} sounds) in ${catalogueS.toFixed(1)} s`);

  const counters: Counters = { views: 0, pages: 0 };
  const ticker = setInterval(() => log(`  … ${counters.views} views, ${counters.pages} pages, ${((performance.now() - t0) / 1000).toFixed(0)} s`), 15_000);
  try {
    const phase = (specs: typeof world.viewers, swipes: number) =>
      pool(specs, run.concurrency, (s) => scroll(api, viewers[s.index]!, new Viewer(world, s), catalogue, creators, run, swipes, tag, counters));
    const background = run.backgroundSwipes > 0 ? await phase(world.viewers.filter((s) => s.background), run.backgroundSwipes) : [];
    const backgroundS = lap();
    log(`background: ${background.length} viewers × ${run.backgroundSwipes} swipes in ${backgroundS.toFixed(1)} s`);
    const measured = await phase(world.viewers.filter((s) => !s.background), run.swipes);
    const measuredS = lap();
    log(`measured: ${measured.length} viewers × ${run.swipes} swipes in ${measuredS.toFixed(1)} s`);
    const sum = (rs: ViewerRun[], f: (r: ViewerRun) => number) => rs.reduce((s, r) => s + f(r), 0);
    return {
      sessions: measured.map((r) => r.session),
      shortSessions: measured.filter((r) => r.session.length < run.swipes).length,
      latenciesMs: measured.flatMap((r) => r.latenciesMs),
      backgroundLatenciesMs: background.flatMap((r) => r.latenciesMs),
      foreign: sum(measured, (r) => r.foreign),
      repeats: sum(measured, (r) => r.repeats),
      pagesNotCaughtUp: sum(measured, (r) => r.pagesNotCaughtUp),
      soundMode: catalogue.soundMode,
      retries: retries.count,
      seconds: { accounts: accountsS, catalogue: catalogueS, background: backgroundS, measured: measuredS, total: (performance.now() - t0) / 1000 },
      views: counters.views,
    };
  } finally {
    clearInterval(ticker);
  }
}
