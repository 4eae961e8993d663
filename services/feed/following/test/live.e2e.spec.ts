// WatchFollowingFeed through a real server, on every profile: a followed creator's new
// video and its removal (deleted, or made private) arrive live, friends-only videos reach
// friends only, heartbeats carry a resume token, and a reconnect with the last token gets
// what happened in between, once; a token older than the kept history is refused.
import { Code, ConnectError } from "@connectrpc/connect";
import { FeedReason } from "@flick/contracts/flick/feed/v1/feed_pb";
import type { WatchFollowingFeedResponse } from "@flick/contracts/flick/feed/v1/feed_service_pb";
import { Privacy } from "@flick/contracts/flick/video/v1/video_pb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachProfile } from "../../../test/profiles.js";
import { encodeResumeToken } from "../live/resume-token.js";
import { bucketOf } from "../projections/following-activity.projection.js";
import { feedWorld, rid, type FeedUser, type FeedWorld } from "./world.js";

// Read when the server builds the feed module: short heartbeats and polls keep the suite quick.
process.env.FLICK_FOLLOWING_HEARTBEAT_MS = "300";
process.env.FLICK_FOLLOWING_POLL_MS = "200";

/** A live stream read in the background; `until` waits for what the test expects next. */
function watch(user: FeedUser, resumeToken = "") {
  const controller = new AbortController();
  const got: WatchFollowingFeedResponse[] = [];
  let failure: unknown;
  const done = (async () => {
    try {
      for await (const m of user.feed.watchFollowingFeed({ resumeToken }, { signal: controller.signal })) got.push(m);
    } catch (e) {
      if (!controller.signal.aborted) failure = e;
    }
  })();
  const published = () => got.flatMap((m) => (m.event.case === "published" ? [m.event.value.video!.videoId] : []));
  const removed = () => got.flatMap((m) => (m.event.case === "removedVideoId" ? [m.event.value] : []));
  return {
    got,
    published,
    removed,
    /** Resolves once `check` holds (the deadline only turns a hang into a failure). */
    async until(what: string, check: () => boolean, deadlineMs = 15_000) {
      const end = Date.now() + deadlineMs;
      while (!check()) {
        if (failure) throw failure;
        if (Date.now() > end) throw new Error(`stream: never saw ${what}; got ${JSON.stringify(got.map((m) => m.event.case))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    heartbeats: () => got.filter((m) => m.event.case === "heartbeat").length,
    async close() {
      controller.abort();
      await done;
    },
  };
}

async function streamError(user: FeedUser, resumeToken: string): Promise<Code | "ok"> {
  try {
    for await (const _ of user.feed.watchFollowingFeed({ resumeToken }, { timeoutMs: 10_000 })) return "ok";
    return "ok";
  } catch (e) {
    return ConnectError.from(e).code;
  }
}

describeEachProfile("WatchFollowingFeed", (c) => {
  let w: FeedWorld;
  beforeAll(async () => {
    w = await feedWorld(c);
    await w.settle(110_000);
  }, 180_000);
  afterAll(() => w?.server.close());

  it("pushes a followed creator's new videos and their removal, and nothing else", async () => {
    const viewer = await w.user();
    const [creator, stranger] = [await w.user(), await w.user()];
    await w.follow(viewer, creator);
    await w.settle();
    const s = watch(viewer);
    try {
      await s.until("a heartbeat", () => s.heartbeats() > 0);
      const [kept, madePrivate, deleted, secret] = await w.videos(creator, [{}, {}, {}, { privacy: Privacy.PRIVATE }]);
      await w.videos(stranger, [{}]);
      await s.until("three videos", () => s.published().length >= 3);
      expect(s.published()).toEqual([kept, madePrivate, deleted]);
      const item = s.got.find((m) => m.event.case === "published")!.event.value as { reason: FeedReason; video: { creator: { userId: string } } };
      expect([item.reason, item.video.creator.userId]).toEqual([FeedReason.FOLLOWED_CREATOR, creator.userId]);

      await creator.videos.updateVideo({ requestId: rid(), videoId: madePrivate!, privacy: Privacy.PRIVATE });
      await creator.videos.deleteVideo({ requestId: rid(), videoId: deleted! });
      await creator.videos.deleteVideo({ requestId: rid(), videoId: secret! }); // never seen: no removal either
      await s.until("two removals", () => s.removed().length >= 2);
      expect(s.removed()).toEqual([madePrivate, deleted]);
      expect(s.published()).toEqual([kept, madePrivate, deleted]);
      expect(s.got.every((m) => m.resumeToken !== "")).toBe(true);
    } finally {
      await s.close();
    }
  });

  it("sends a friend's friends-only video to friends only, as a friend's", async () => {
    const creator = await w.user();
    const [friend, follower] = [await w.user(), await w.user()];
    await w.follow(friend, creator);
    await w.follow(creator, friend);
    await w.follow(follower, creator);
    await w.settle();
    const [sf, sg] = [watch(friend), watch(follower)];
    try {
      await sf.until("a heartbeat", () => sf.heartbeats() > 0);
      await sg.until("a heartbeat", () => sg.heartbeats() > 0);
      const [video] = await w.videos(creator, [{ privacy: Privacy.FRIENDS }]);
      await sf.until("the video", () => sf.published().length > 0);
      const m = sf.got.find((x) => x.event.case === "published")!;
      expect(m.event.case === "published" && [m.event.value.video!.videoId, m.event.value.reason]).toEqual([video, FeedReason.FRIEND]);
      // Both streams read the same rows; a heartbeat after it means the follower's stream went past it.
      const beats = sg.heartbeats();
      await sg.until("a later heartbeat", () => sg.heartbeats() > beats);
      expect(sg.published()).toEqual([]);
    } finally {
      await sf.close();
      await sg.close();
    }
  });

  it("resumes after a reconnect with what happened in between, once", async () => {
    const viewer = await w.user();
    const creator = await w.user();
    await w.follow(viewer, creator);
    await w.settle();
    const first = watch(viewer);
    await first.until("a heartbeat", () => first.heartbeats() > 0);
    const [before] = await w.videos(creator, [{}]);
    await first.until("the first video", () => first.published().length > 0);
    const token = first.got.at(-1)!.resumeToken;
    await first.close();

    const [during1, during2] = await w.videos(creator, [{}, {}]);
    await creator.videos.deleteVideo({ requestId: rid(), videoId: before! });
    await w.settle();

    const second = watch(viewer, token);
    try {
      await second.until("both videos and the removal", () => second.published().length >= 2 && second.removed().length >= 1);
      expect(second.published()).toEqual([during1, during2]);
      expect(second.removed()).toEqual([before]);
      // And live again after the catch-up.
      const [after] = await w.videos(creator, [{}]);
      await second.until("the next video", () => second.published().length >= 3);
      expect(second.published()).toEqual([during1, during2, after]);
      await second.until("a heartbeat", () => second.heartbeats() > 0);
      const beat = second.got.findLast((m) => m.event.case === "heartbeat")!;
      expect(beat.resumeToken).not.toBe("");
    } finally {
      await second.close();
    }
  });

  it("refuses a resume token older than the kept history, a malformed one, and anonymous callers", async () => {
    const viewer = await w.user();
    const old = encodeResumeToken({ bucket: bucketOf(Date.now() - 3 * 86_400_000), updateId: "" });
    expect(await streamError(viewer, old)).toBe(Code.FailedPrecondition);
    for (const bad of ["nope", "x".repeat(40), encodeResumeToken({ bucket: bucketOf(Date.now()) + 500, updateId: "" })]) {
      expect(await streamError(viewer, bad)).toBe(Code.InvalidArgument);
    }
    expect(await streamError({ ...viewer, feed: w.anonymousFeed }, "")).toBe(Code.Unauthenticated);
    expect(await streamError(viewer, "x".repeat(513))).toBe(Code.InvalidArgument);
  });
});
