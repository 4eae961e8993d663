// Trending through a real server on every profile: a controlled set of views, likes and
// shares at chosen times, one refresh, and the rankings the API then serves.
import { Code, ConnectError } from "@connectrpc/connect";
import { TrendingWindow } from "@flick/contracts/flick/trending/v1/trending_pb";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, expect, it } from "vitest";
import { encodeListCursor } from "../../social/paging.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { describeEachProfile } from "../../test/profiles.js";
import { activityBuckets, activityIndex, videoFacts } from "../projections/trending-activity.projection.js";
import { computeTrending } from "../trending.scorer.js";
import { trendingVideoIds } from "../trending.query.js";
import { HOUR, MINUTE, world, type Person } from "./world.js";

const SERVICES = ["identity", "social", "video", "sound", "hashtag", "trending"];

async function codeOf(p: Promise<unknown>): Promise<Code | "ok"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    return ConnectError.from(e).code;
  }
}

describeEachProfile("trending", (c) => {
  let server: IsolatedServer;
  let w: ReturnType<typeof world>;
  let creator: Person;
  const v: Record<"old" | "fresh" | "plain" | "done" | "liked" | "shared", string> = { old: "", fresh: "", plain: "", done: "", liked: "", shared: "" };
  let songA: string;
  let songB: string;
  let T = 0;
  const ago = (ms: number) => new Date(T - ms);

  beforeAll(async () => {
    T = Date.now();
    server = await startIsolatedServer(c, {}, SERVICES);
    w = world(server);
    creator = await w.user();
    [songA, songB] = [await w.sound("rising song"), await w.sound("old song")];
    // Published three days ago (the same recency boost), except "fresh" (two hours ago).
    v.old = await w.video(creator, { hashtags: ["old"], soundId: songB });
    v.plain = await w.video(creator, { soundId: songB });
    v.done = await w.video(creator, { hashtags: ["hot"] });
    v.liked = await w.video(creator, { hashtags: ["liked"] });
    v.shared = await w.video(creator, { hashtags: ["hot"], soundId: songA });
    v.fresh = await w.video(creator, { hashtags: ["hot"], createdAt: ago(2 * HOUR) });
    await w.views(v.old, 60, ago(20 * HOUR)); // volume, long ago
    await w.views(v.plain, 20, ago(10 * MINUTE)); // velocity, now
    await w.views(v.done, 20, ago(10 * MINUTE), 1); // … watched to the end
    await w.views(v.liked, 20, ago(10 * MINUTE));
    await w.likes(v.liked, 3, ago(10 * MINUTE));
    await w.views(v.shared, 20, ago(10 * MINUTE));
    await w.shares(v.shared, 2, ago(10 * MINUTE));
    await w.views(v.fresh, 5, ago(90 * MINUTE));
    await w.settle(110_000); // a fresh Cassandra keyspace takes a while to set up
    await w.refresh(new Date());
  }, 240_000);
  afterAll(() => server?.close());

  const ids = async (window: TrendingWindow, client = w.anonymous) => (await client.listTrendingVideos({ window, limit: 100 })).videos.map((t) => t.video!.videoId);

  it("ranks by the formula: velocity beats volume once decayed, completion, likes and shares weigh in", async () => {
    const day = await w.anonymous.listTrendingVideos({ limit: 100 });
    expect(day.window).toBe(TrendingWindow.LAST_DAY);
    expect(day.videos.map((t) => t.video!.videoId)).toEqual([v.shared, v.liked, v.done, v.plain, v.fresh, v.old]);
    expect(day.videos.map((t) => t.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    const scores = day.videos.map((t) => t.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(day.videos.find((t) => t.video!.videoId === v.old)!.windowViews).toBe(60n);
    expect(day.computedAt).toBeDefined();
    expect(day.nextCursor).toBe("");
  });

  it("computes each window over its own span", async () => {
    // The last hour holds only the views of ten minutes ago.
    expect(await ids(TrendingWindow.LAST_HOUR)).toEqual([v.shared, v.liked, v.done, v.plain]);
    // Over a week, decay is slow: 60 views of 20 hours ago outweigh 20 of just now.
    expect(await ids(TrendingWindow.LAST_WEEK)).toEqual([v.shared, v.liked, v.old, v.done, v.plain, v.fresh]);
    const hour = await w.anonymous.listTrendingVideos({ window: TrendingWindow.LAST_HOUR });
    expect(hour.window).toBe(TrendingWindow.LAST_HOUR);
    expect(hour.videos[0]!.windowViews).toBe(20n);
  });

  it("ranks hashtags and sounds by their videos, with window views and videos published in the window", async () => {
    const tags = await w.anonymous.listTrendingHashtags({ window: TrendingWindow.LAST_DAY });
    expect(tags.hashtags.map((h) => h.hashtag!.name)).toEqual(["hot", "liked", "old"]);
    expect(tags.hashtags[0]).toMatchObject({ rank: 1, windowViews: 45n, windowVideos: 1n });
    expect(tags.hashtags[0]!.hashtag!.videoCount).toBe(3n);
    const hourTags = await w.anonymous.listTrendingHashtags({ window: TrendingWindow.LAST_HOUR });
    expect(hourTags.hashtags.find((h) => h.hashtag!.name === "hot")).toMatchObject({ windowViews: 40n, windowVideos: 0n });

    const sounds = await w.anonymous.listTrendingSounds({ window: TrendingWindow.LAST_DAY });
    expect(sounds.sounds.map((s) => s.sound!.soundId)).toEqual([songA, songB]);
    expect(sounds.sounds[0]!.sound!.title).toBe("rising song");
    expect(sounds.sounds[1]).toMatchObject({ rank: 2, windowViews: 80n, windowVideos: 0n });
  });

  it("pages without duplicates, and a cursor keeps its computation across a refresh", async () => {
    const all = await ids(TrendingWindow.LAST_DAY);
    const seen: string[] = [];
    const ranks: number[] = [];
    let cursor = "";
    let first: Awaited<ReturnType<typeof w.anonymous.listTrendingVideos>> | undefined;
    do {
      const page = await w.anonymous.listTrendingVideos({ limit: 2, cursor });
      first ??= page;
      // A new computation between pages: the cursor still pages the first one.
      if (seen.length === 0) await w.refresh(new Date());
      expect(page.computedAt).toEqual(first.computedAt);
      seen.push(...page.videos.map((t) => t.video!.videoId));
      ranks.push(...page.videos.map((t) => t.rank));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(ranks).toEqual([1, 2, 3, 4, 5, 6]);
    // The first page now comes from the newer computation.
    const fresh = await w.anonymous.listTrendingVideos({ limit: 2 });
    expect(timestampDate(fresh.computedAt!).getTime()).toBeGreaterThan(timestampDate(first!.computedAt!).getTime());
  });

  it("serves the For You feed's candidate source from the last day's ranking", async () => {
    const day = await w.anonymous.listTrendingVideos({ limit: 3 });
    const top = await trendingVideoIds(server.flick.platform, 3);
    expect(top.map((t) => t.videoId)).toEqual(day.videos.map((t) => t.video!.videoId));
    expect(top[0]!.score).toBeCloseTo(day.videos[0]!.score, 9);
    expect(await trendingVideoIds(server.flick.platform, 0)).toEqual([]);
  });

  it("rebuilds the activity model to the same rankings", async () => {
    const ctx = w.trending();
    const at = new Date();
    const strip = (r: Awaited<ReturnType<typeof computeTrending>>) =>
      r.rankings.map((x) => ({ kind: x.kind, window: x.window, entries: x.entries.map((e) => ({ ...e, score: Number(e.score.toPrecision(12)) })) }));
    const live = strip(await computeTrending(ctx, at));
    await ctx.activity.rebuild();
    expect(strip(await computeTrending(ctx, at))).toEqual(live);
  }, 120_000);

  it("lists a video whose facts expired from its catalogue row", async () => {
    const ctx = w.trending();
    const at = new Date();
    const before = await computeTrending(ctx, at);
    await (await ctx.activity.store()).cache(videoFacts).delete(v.liked);
    const after = await computeTrending(ctx, at);
    expect(after.report.catalogueReads).toBe(1);
    expect(after.rankings).toEqual(before.rankings.map((r) => ({ ...r, id: after.rankings[0]!.id })));
  });

  it("leaves out deleted and private videos, private accounts' videos and blocked creators", async () => {
    const [hidden, blocked, closed, viewer] = [await w.user(), await w.user(), await w.user({ private: true }), await w.user()];
    const gone = await w.video(hidden);
    const unlisted = await w.video(hidden);
    const theirs = await w.video(blocked);
    const secret = await w.video(closed);
    for (const id of [gone, unlisted, theirs, secret]) await w.views(id, 30, ago(5 * MINUTE));
    await w.block(viewer, blocked);
    await w.settle();
    await w.refresh(new Date());
    const mine = [gone, unlisted, theirs, secret];
    const listed = async (client = w.anonymous) => (await ids(TrendingWindow.LAST_DAY, client)).filter((id) => mine.includes(id));
    expect(new Set(await listed())).toEqual(new Set([gone, unlisted, theirs]));
    expect(new Set(await listed(viewer.client))).toEqual(new Set([gone, unlisted]));
    expect(await listed(blocked.client)).toContain(theirs);
    expect(await listed(closed.client)).toContain(secret); // its creator sees it

    await w.remove(gone, hidden);
    await w.makePrivate(unlisted, hidden);
    await w.settle();
    // Gone at once from what is served, before the next refresh…
    expect(await listed()).toEqual([theirs]);
    expect(await listed(hidden.client)).toEqual([theirs]);
    // … and from the ranking itself after it.
    await w.refresh(new Date());
    const top = (await trendingVideoIds(server.flick.platform, 1000)).map((t) => t.videoId);
    expect(top).not.toContain(gone);
    expect(top).not.toContain(unlisted);
    expect(top).toContain(theirs);
  }, 120_000);

  it("refuses bad parameters with INVALID_ARGUMENT on every RPC", async () => {
    const rpcs = [
      (r: object) => w.anonymous.listTrendingVideos(r),
      (r: object) => w.anonymous.listTrendingHashtags(r),
      (r: object) => w.anonymous.listTrendingSounds(r),
    ];
    const cursorOf = (kind: string, window: string, raw: string) => encodeListCursor(`trending:${kind}:${window}`, raw);
    for (const [i, call] of rpcs.entries()) {
      const kind = ["videos", "hashtags", "sounds"][i]!;
      const other = ["hashtags", "sounds", "videos"][i]!;
      expect(await codeOf(call({}))).toBe("ok");
      expect(await codeOf(call({ limit: 100 }))).toBe("ok");
      const bad: object[] = [
        { limit: 101 },
        { limit: -1 },
        { window: 4 },
        { window: -1 },
        { cursor: "x".repeat(513) },
        { cursor: "garbage" },
        { cursor: cursorOf(kind, "day", "not-a-position") },
        { cursor: cursorOf(kind, "day", "zzzz.0") }, // a computation that is not kept
        { cursor: cursorOf(kind, "day", "zzzz.99999") },
        { cursor: cursorOf(other, "day", "zzzz.0") }, // another list's cursor
        { cursor: cursorOf(kind, "week", "zzzz.0"), window: TrendingWindow.LAST_DAY }, // another window's
      ];
      for (const req of bad) expect([kind, req, await codeOf(call(req))]).toEqual([kind, req, Code.InvalidArgument]);
    }
    // A real cursor of one window is refused by another.
    const page = await w.anonymous.listTrendingVideos({ limit: 1 });
    expect(page.nextCursor).not.toBe("");
    expect(await codeOf(w.anonymous.listTrendingVideos({ limit: 1, cursor: page.nextCursor, window: TrendingWindow.LAST_WEEK }))).toBe(Code.InvalidArgument);
    // A position past the end of a kept computation.
    const raw = Buffer.from(page.nextCursor.split(".").slice(1).join("."), "base64url").toString("utf8");
    const past = cursorOf("videos", "day", `${raw.split(".")[0]}.1001`);
    expect(await codeOf(w.anonymous.listTrendingVideos({ cursor: past }))).toBe(Code.InvalidArgument);
  });

  // Last: it moves the clock past every bucket's retention.
  it("sweeps buckets no window reads any more", async () => {
    const store = await w.trending().activity.store();
    const index = store.sortedSets(activityIndex);
    expect(await index.size("h1")).toBeGreaterThan(0);
    const oldest = (await index.range("h1", 0, 10_000)).at(-1)!.score;
    expect(await store.sortedSets(activityBuckets).size(`h1:${oldest}`)).toBeGreaterThan(0);
    const report = await w.refresh(new Date(Date.now() + 9 * 24 * HOUR));
    expect(report.swept).toBeGreaterThan(0);
    expect(await index.size("h1")).toBe(0);
    expect(await index.size("m5")).toBe(0);
    expect(await store.sortedSets(activityBuckets).size(`h1:${oldest}`)).toBe(0);
    expect((await w.anonymous.listTrendingVideos({})).videos).toEqual([]);
  });
});
