// GetForYouFeed through a real server, on every profile: bad parameters, cold start,
// sessions that never repeat, the diversity rules across pages, every visibility rule
// (random graphs and privacy), deletions, read-your-writes, and learning from views.
import { Code, type Client } from "@connectrpc/connect";
import { ViewSource } from "@flick/contracts/flick/engagement/v1/engagement_pb";
import { VideoPrivacy } from "@flick/contracts/flick/events/v1/video_pb";
import { FeedReason } from "@flick/contracts/flick/feed/v1/feed_pb";
import type { FeedService } from "@flick/contracts/flick/feed/v1/feed_service_pb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { codeOf } from "../../../test/codes.js";
import { describeEachProfile } from "../../../test/profiles.js";
import type { TestServer } from "../../../test/support.js";
import { startIsolatedServer } from "../../../test/isolated.js";
import { featureNames } from "../../../catalog.js";
import { rid } from "../../../engagement/test/world.js";
import { violations } from "../model/diversity.js";
import { feedWorld, type FeedVideo } from "./world.js";

const code = codeOf;

/** Scrolls a whole session (until the feed runs dry or `max` pages), returning every item. */
async function scroll(client: Client<typeof FeedService>, request: { anonymousSessionId?: string; consistencyToken?: string }, limit = 8, max = 40) {
  const items = [];
  let cursor = "";
  for (let page = 0; page < max; page++) {
    const res = await client.getForYouFeed({ ...request, limit, cursor });
    items.push(...res.items);
    if (!res.nextCursor || res.items.length === 0) break;
    cursor = res.nextCursor;
  }
  return items;
}

const session = () => `sess_${rid()}`;

describeEachProfile("for you feed", (c) => {
  let server: TestServer;
  let w: ReturnType<typeof feedWorld>;
  beforeAll(async () => {
    // Its own storage: what a feed may serve depends on the whole catalogue, so videos of
    // other suites (or of earlier runs on a reused server) must not be in it.
    server = await startIsolatedServer(c, {}, featureNames());
    w = feedWorld(server);
    await w.settle(110_000);
  });
  afterAll(() => server?.close());

  it("refuses bad parameters with INVALID_ARGUMENT, and the feed needs a session id or a sign-in", async () => {
    const anon = w.feed();
    expect(await code(anon.getForYouFeed({ limit: 5 }))).toBe(Code.InvalidArgument);
    expect(await code(anon.getForYouFeed({ anonymousSessionId: "short" }))).toBe(Code.InvalidArgument);
    expect(await code(anon.getForYouFeed({ anonymousSessionId: "bad session id!!!!" }))).toBe(Code.InvalidArgument);
    expect(await code(anon.getForYouFeed({ anonymousSessionId: session(), limit: 51 }))).toBe(Code.InvalidArgument);
    expect(await code(anon.getForYouFeed({ anonymousSessionId: session(), limit: -1 }))).toBe(Code.InvalidArgument);
    expect(await code(anon.getForYouFeed({ anonymousSessionId: session(), cursor: "x".repeat(513) }))).toBe(Code.InvalidArgument);
    expect(await code(anon.getForYouFeed({ anonymousSessionId: session(), cursor: "not-a-cursor" }))).toBe(Code.InvalidArgument);
    expect(await code(anon.getForYouFeed({ anonymousSessionId: session(), cursor: "fy1.AAAAAAAAAAAAAAAA.1" }))).toBe(Code.InvalidArgument);
    expect(await code(anon.getForYouFeed({ anonymousSessionId: session(), consistencyToken: "garbage" }))).toBe(Code.InvalidArgument);
    // A cursor belongs to the viewer it was issued to.
    const creator = await w.user("creator");
    await w.publish(creator, { hashtags: ["one"] });
    const token = await w.settled();
    const mine = await anon.getForYouFeed({ anonymousSessionId: session(), limit: 1, consistencyToken: token });
    expect(mine.nextCursor).not.toBe("");
    expect(await code(anon.getForYouFeed({ anonymousSessionId: session(), cursor: mine.nextCursor }))).toBe(Code.InvalidArgument);
    const user = await w.user("viewer");
    expect(await code(w.feed(user.token).getForYouFeed({ cursor: mine.nextCursor }))).toBe(Code.InvalidArgument);
  });

  it("serves a cold-start feed that never repeats a video within a session and keeps the diversity rules across pages", async () => {
    // One prolific creator, a few occasional ones, and one sound on a third of the videos.
    const prolific = await w.user("prolific");
    const others = await Promise.all(Array.from({ length: 12 }, (_, i) => w.user(`c${i}`)));
    const sharedSound = `snd_${rid()}`;
    const mine = new Set<string>();
    for (let i = 0; i < 20; i++) mine.add((await w.publish(prolific, { hashtags: ["dance"], soundId: i % 3 === 0 ? sharedSound : undefined })).videoId);
    for (const [i, c] of others.entries()) for (let k = 0; k < 3; k++) mine.add((await w.publish(c, { hashtags: [`t${i % 4}`], soundId: k === 0 ? sharedSound : undefined })).videoId);
    const token = await w.settled();
    const items = await scroll(w.feed(), { anonymousSessionId: session(), consistencyToken: token });
    const ids = items.map((i) => i.video!.videoId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => mine.has(id)).length).toBeGreaterThan(20);
    const seq = items.map((i) => ({ creatorId: i.video!.creator!.userId, soundId: i.video!.sound?.soundId ?? "" }));
    expect(violations(seq)).toBe(0);
    for (const i of items) {
      expect(i.reason).not.toBe(FeedReason.UNSPECIFIED);
      expect(i.reasonText).not.toBe("");
      expect(i.impressionId).not.toBe("");
      expect(i.video!.playback === undefined || i.video!.playback.masterPlaylistUrl !== undefined).toBe(true);
    }
  });

  it("never serves what the viewer may not see: property test over random follows, blocks, privacy and private accounts", async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const viewer = await w.user("viewer");
    const privateAccount = new Set<string>();
    const creators = [];
    for (let i = 0; i < 10; i++) {
      const closed = rand() < 0.3;
      const c = await w.user(`pc${i}`, { private: closed });
      if (closed) privateAccount.add(c.id);
      creators.push(c);
    }
    const follows = new Set<string>();
    const followsBack = new Set<string>();
    const blocked = new Set<string>();
    for (const c of creators) {
      if (rand() < 0.5) (await w.follow(viewer, c), follows.add(c.id));
      if (rand() < 0.5) (await w.follow(c, viewer), followsBack.add(c.id));
      const r = rand();
      if (r < 0.15) (await w.block(viewer, c), blocked.add(c.id));
      else if (r < 0.3) (await w.block(c, viewer), blocked.add(c.id));
    }
    const videos: FeedVideo[] = [];
    const privacies = [VideoPrivacy.PUBLIC, VideoPrivacy.FRIENDS, VideoPrivacy.PRIVATE];
    for (const c of creators) for (let k = 0; k < 4; k++) videos.push(await w.publish(c, { hashtags: ["prop"], privacy: privacies[Math.floor(rand() * 3)]! }));
    videos.push(await w.publish(viewer, { hashtags: ["prop"] }));
    const token = await w.settled();
    const served = await scroll(w.feed(viewer.token), { consistencyToken: token });
    const byId = new Map(videos.map((v) => [v.videoId, v]));
    for (const item of served) {
      const v = byId.get(item.video!.videoId);
      if (!v) continue; // from another test of this suite
      expect(v.creatorId).not.toBe(viewer.id);
      expect(blocked.has(v.creatorId)).toBe(false);
      expect(v.privacy).not.toBe(VideoPrivacy.PRIVATE);
      if (v.privacy === VideoPrivacy.FRIENDS) expect(follows.has(v.creatorId) && followsBack.has(v.creatorId)).toBe(true);
      if (privateAccount.has(v.creatorId)) expect(follows.has(v.creatorId)).toBe(true);
    }
    // Everything allowed and public from creators the viewer follows does come.
    const servedIds = new Set(served.map((i) => i.video!.videoId));
    const allowedPublic = videos.filter((v) => v.privacy === VideoPrivacy.PUBLIC && v.creatorId !== viewer.id && !blocked.has(v.creatorId) && follows.has(v.creatorId));
    for (const v of allowedPublic) expect(servedIds.has(v.videoId)).toBe(true);
  });

  it("leaves out a private account's public videos for non-followers, and deleted videos", async () => {
    const viewer = await w.user("viewer");
    const closed = await w.user("closed", { private: true });
    const open = await w.user("open");
    const hidden = await w.publish(closed, { hashtags: ["closed"] });
    const gone = await w.publish(open, { hashtags: ["gone"] });
    const kept = await w.publish(open, { hashtags: ["kept"] });
    await w.remove(gone);
    const token = await w.settled();
    const ids = new Set((await scroll(w.feed(viewer.token), { consistencyToken: token })).map((i) => i.video!.videoId));
    expect(ids.has(hidden.videoId)).toBe(false);
    expect(ids.has(gone.videoId)).toBe(false);
    expect(ids.has(kept.videoId)).toBe(true);
  });

  it("waits for the viewer's own views (caught_up) and never serves a watched video again", async () => {
    const viewer = await w.user("viewer");
    const creator = await w.user("creator");
    for (let i = 0; i < 6; i++) await w.publish(creator, { hashtags: ["ryw"] });
    const token = await w.settled();
    const first = await w.feed(viewer.token).getForYouFeed({ limit: 4, consistencyToken: token });
    let last = "";
    for (const item of first.items) {
      const res = await viewer.engagement.recordView({ requestId: rid(), videoId: item.video!.videoId, watchTimeMs: 15_000, completionRatio: 1, source: ViewSource.FYP, impressionId: item.impressionId });
      last = res.consistencyToken;
    }
    let next = await w.feed(viewer.token).getForYouFeed({ limit: 50, consistencyToken: last });
    for (let i = 0; i < 20 && !next.caughtUp; i++) next = await w.feed(viewer.token).getForYouFeed({ limit: 50, consistencyToken: last });
    expect(next.caughtUp).toBe(true);
    const watched = new Set(first.items.map((i) => i.video!.videoId));
    for (const item of next.items) expect(watched.has(item.video!.videoId)).toBe(false);
  });

  it("learns from views: after watching #cats through and skipping #cars, the next page leans to cats", async () => {
    const viewer = await w.user("learner");
    const tag = rid().slice(0, 6);
    const cats: FeedVideo[] = [];
    const cars: FeedVideo[] = [];
    for (let i = 0; i < 24; i++) {
      const c = await w.user(`cr${i}`);
      // Words unique to this run: a server reused across runs holds earlier runs' cats too.
      cats.push(await w.publish(c, { hashtags: [`cats${tag}`, `kitten${tag}`], caption: `cute${tag} purring${tag}` }));
      cars.push(await w.publish(c, { hashtags: [`cars${tag}`, `engine${tag}`], caption: `fast${tag} racing${tag}` }));
    }
    let token = await w.settled();
    const isCat = new Set(cats.map((v) => v.videoId));
    const isCar = new Set(cars.map((v) => v.videoId));
    // Watch ten of each kind: cats to the end, cars skipped after a second.
    for (const v of [...cats.slice(0, 10), ...cars.slice(0, 10)]) {
      const cat = isCat.has(v.videoId);
      const res = await viewer.engagement.recordView({ requestId: rid(), videoId: v.videoId, watchTimeMs: cat ? 15_000 : 1_000, completionRatio: cat ? 1 : 1 / 15, source: ViewSource.FYP });
      token = res.consistencyToken;
    }
    // A loaded machine may take longer than the feed's bounded wait: ask again until the
    // page says it reflects the views (what a client may do with caught_up = false).
    // A full page: the server also holds the earlier tests' videos, some of them watched
    // through by others (appeal), which may fill the top of the page.
    let page = await w.feed(viewer.token).getForYouFeed({ limit: 50, consistencyToken: token });
    for (let i = 0; i < 20 && !page.caughtUp; i++) page = await w.feed(viewer.token).getForYouFeed({ limit: 50, consistencyToken: token });
    expect(page.caughtUp).toBe(true);
    const ids = page.items.map((i) => i.video!.videoId);
    const catCount = ids.filter((id) => isCat.has(id)).length;
    const carCount = ids.filter((id) => isCar.has(id)).length;
    expect(catCount).toBeGreaterThan(carCount);
    // A cat is proposed as similar to what was watched, or (before the next vector-index
    // sync, every 2 s) as a fresh video: either way for a reason that says so.
    const catReasons = page.items.filter((i) => isCat.has(i.video!.videoId)).map((i) => i.reason);
    for (const r of catReasons) expect([FeedReason.SIMILAR_TO_WATCHED, FeedReason.LIKED_BY_SIMILAR_VIEWERS, FeedReason.FRESH]).toContain(r);
  });
});
