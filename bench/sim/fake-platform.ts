// A stand-in for Flick's public API, in memory, for the client's tests and for timing the
// client alone: just enough of identity, social, video, sound, engagement and feed to run
// the simulator end to end, with a random For You feed. It also checks the client's
// manners: every page's views reported before the next page is asked for, the latest
// write's consistency token passed along, follows only after three completed videos.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport, type ConnectRouter, type HandlerContext, type ServiceImpl, type Transport } from "@connectrpc/connect";
import { ViewSource } from "@flick/contracts/flick/engagement/v1/engagement_pb";
import { EngagementService } from "@flick/contracts/flick/engagement/v1/engagement_service_pb";
import { FeedService } from "@flick/contracts/flick/feed/v1/feed_service_pb";
import { FeedItemSchema } from "@flick/contracts/flick/feed/v1/feed_pb";
import { AccountService } from "@flick/contracts/flick/identity/v1/account_service_pb";
import { SocialGraphService } from "@flick/contracts/flick/social/v1/social_graph_service_pb";
import { SoundSchema } from "@flick/contracts/flick/sound/v1/sound_pb";
import { SoundService } from "@flick/contracts/flick/sound/v1/sound_service_pb";
import { SoundSummarySchema, VideoSchema } from "@flick/contracts/flick/video/v1/video_pb";
import { VideoService, type ImportedVideo } from "@flick/contracts/flick/video/v1/video_service_pb";
import { Rng } from "./rng.js";

interface FakeUser {
  userId: string;
  username: string;
  password: string;
  lastToken: string;
  /** Items of the last page served, and the ones reported since. */
  lastPage: string[];
  reported: Set<string>;
  seen: Set<string>;
  completedBy: Map<string, number>;
}

export interface FakeState {
  users: Map<string, FakeUser>;
  videos: Map<string, ImportedVideo & { soundIdResolved: string }>;
  sounds: Set<string>;
  librarySounds: number;
  views: { userId: string; videoId: string; watchTimeMs: number; ratio: number; source: ViewSource; impressionId: string }[];
  likes: number;
  shares: number;
  follows: { userId: string; creatorId: string }[];
  pages: number;
  /** Breaches of the client's manners, as readable lines. */
  violations: string[];
}

export function fakePlatform(options: { admins: string[]; unimplemented?: string[]; seed?: number }): {
  transport: Transport;
  /** The same services, to serve over a real connection (connectNodeAdapter({ routes })). */
  routes: (router: ConnectRouter) => void;
  state: FakeState;
} {
  const state: FakeState = { users: new Map(), videos: new Map(), sounds: new Set(), librarySounds: 0, views: [], likes: 0, shares: 0, follows: [], pages: 0, violations: [] };
  const byName = new Map<string, FakeUser>();
  const rng = new Rng(options.seed ?? 1);
  let writes = 0;
  let ids = 0;
  const off = new Set(options.unimplemented ?? []);
  const tokensFor = (u: FakeUser) => ({
    accessToken: `tok_${u.userId}`,
    accessTokenExpiresAt: timestampFromDate(new Date(Date.now() + 3_600_000)),
    refreshToken: `ref_${u.userId}`,
    sessionId: `ses_${u.userId}`,
  });
  const caller = (ctx: HandlerContext) => {
    const auth = ctx.requestHeader.get("authorization") ?? "";
    const u = state.users.get(auth.replace(/^Bearer tok_/, ""));
    if (!u) throw new ConnectError("no or bad token", Code.Unauthenticated);
    return u;
  };
  const admin = (ctx: HandlerContext) => {
    const u = caller(ctx);
    if (!options.admins.includes(u.username)) throw new ConnectError("admins only", Code.PermissionDenied);
    return u;
  };
  const write = (u: FakeUser) => (u.lastToken = String(++writes));
  const video = (id: string) => {
    const v = state.videos.get(id);
    if (!v) throw new ConnectError(`video ${id}`, Code.NotFound);
    return v;
  };
  let idList: string[] | undefined;
  const allVideoIds = () => (idList ??= [...state.videos.keys()]);

  const routes = (router: ConnectRouter) => {
    // Methods named in `unimplemented` are left out: the router answers UNIMPLEMENTED.
    const serve = <S extends DescService>(service: S, methods: Partial<ServiceImpl<S>>) =>
      router.service(
        service,
        Object.fromEntries(Object.entries(methods).filter(([m]) => !off.has(`${service.name}.${m[0]!.toUpperCase()}${m.slice(1)}`))) as ServiceImpl<S>,
      );
    serve(AccountService, {
      register(req) {
        if (byName.has(req.username.toLowerCase())) throw new ConnectError("taken", Code.AlreadyExists);
        const u: FakeUser = { userId: `usr_${++ids}`, username: req.username, password: req.password, lastToken: "", lastPage: [], reported: new Set(), seen: new Set(), completedBy: new Map() };
        state.users.set(u.userId, u);
        byName.set(u.username.toLowerCase(), u);
        return { userId: u.userId, tokens: tokensFor(u) };
      },
      signIn(req) {
        const u = byName.get(req.identifier.toLowerCase());
        if (!u || u.password !== req.password) throw new ConnectError("bad credentials", Code.Unauthenticated);
        return { userId: u.userId, tokens: tokensFor(u) };
      },
    });
    serve(SocialGraphService, {
      follow(req, ctx) {
        const u = caller(ctx);
        if (!state.users.has(req.userId)) throw new ConnectError("user", Code.NotFound);
        if ((u.completedBy.get(req.userId) ?? 0) < 3) state.violations.push(`${u.username} follows ${req.userId} before three completed videos`);
        state.follows.push({ userId: u.userId, creatorId: req.userId });
        return {};
      },
    });
    serve(VideoService, {
      importVideos(req, ctx) {
        admin(ctx);
        const results = req.videos.map((item, index) => {
          if (!state.users.has(item.creatorUserId)) return { index, videoId: "", errorCode: "not_found", errorMessage: "creator" };
          let soundId: string;
          if (item.sound.case === "soundId") {
            if (!state.sounds.has(item.sound.value)) return { index, videoId: "", errorCode: "not_found", errorMessage: "sound" };
            soundId = item.sound.value;
          } else soundId = `snd_${item.videoId}`;
          state.sounds.add(soundId);
          state.videos.set(item.videoId, Object.assign(item, { soundIdResolved: soundId }));
          idList = undefined;
          return { index, videoId: item.videoId, errorCode: "", errorMessage: "" };
        });
        return { results, importedCount: results.filter((r) => !r.errorCode).length, failedCount: results.filter((r) => r.errorCode).length };
      },
      getVideos(req) {
        const videos = req.videoIds.flatMap((id) => {
          const v = state.videos.get(id);
          return v ? [create(VideoSchema, { videoId: id, durationMs: v.durationMs, sound: create(SoundSummarySchema, { soundId: v.soundIdResolved }) })] : [];
        });
        return { videos };
      },
    });
    serve(SoundService, {
      importLibrarySound(req, ctx) {
        admin(ctx);
        state.sounds.add(req.soundId);
        state.librarySounds++;
        return { sound: create(SoundSchema, { soundId: req.soundId, title: req.title }) };
      },
    });
    serve(EngagementService, {
      recordView(req, ctx) {
        const u = caller(ctx);
        const v = video(req.videoId);
        state.views.push({ userId: u.userId, videoId: req.videoId, watchTimeMs: req.watchTimeMs, ratio: req.completionRatio, source: req.source, impressionId: req.impressionId });
        if (Math.abs(req.watchTimeMs - req.completionRatio * v.durationMs) > 1) state.violations.push(`watch time ${req.watchTimeMs} ms ≠ ratio ${req.completionRatio} × ${v.durationMs} ms`);
        if (req.completionRatio >= 1) u.completedBy.set(v.creatorUserId, (u.completedBy.get(v.creatorUserId) ?? 0) + 1);
        u.reported.add(req.videoId);
        return { consistencyToken: write(u) };
      },
      likeVideo(req, ctx) {
        const u = caller(ctx);
        video(req.videoId);
        state.likes++;
        return { likeCount: 1n, liked: true, consistencyToken: write(u) };
      },
      shareVideo(req, ctx) {
        const u = caller(ctx);
        video(req.videoId);
        state.shares++;
        return { shareCount: 1n, shareUrl: `https://flick.test/v/${req.videoId}`, consistencyToken: write(u) };
      },
    });
    serve(FeedService, {
      getForYouFeed(req, ctx) {
        const ids = allVideoIds();
        const pick = (n: number, seen?: Set<string>) => {
          const out: string[] = [];
          for (let tries = 0; out.length < n && tries < 50 * n && ids.length; tries++) {
            const id = ids[rng.int(ids.length)]!;
            if (seen?.has(id) || out.includes(id)) continue;
            out.push(id);
          }
          return out;
        };
        const items = (page: string[]) => page.map((id) => create(FeedItemSchema, { video: create(VideoSchema, { videoId: id }), impressionId: `imp_${id}` }));
        if (!ctx.requestHeader.get("authorization")) return { items: items(pick(req.limit || 20)), nextCursor: "anon", caughtUp: true };
        const u = caller(ctx);
        state.pages++;
        if (req.consistencyToken !== u.lastToken) state.violations.push(`${u.username} asked for a page with token "${req.consistencyToken}", latest write "${u.lastToken}"`);
        if (req.cursor && u.lastPage.some((id) => !u.reported.has(id))) state.violations.push(`${u.username} asked for the next page before reporting the previous one`);
        const page = pick(req.limit || 20, u.seen);
        page.forEach((id) => u.seen.add(id));
        u.lastPage = page;
        u.reported = new Set();
        return { items: items(page), nextCursor: `c${state.pages}`, caughtUp: true, prefetchIds: [] };
      },
    });
  };
  return { transport: createRouterTransport(routes), routes, state };
}
