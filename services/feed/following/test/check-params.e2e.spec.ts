// Bad input and security for the Following / Friends RPCs (the check-params habit):
// tokens, limits, modes, cursors and consistency tokens. WatchFollowingFeed's resume
// token is checked in live.e2e.spec.ts.
import { Code, ConnectError } from "@connectrpc/connect";
import { FeedMode } from "@flick/contracts/flick/feed/v1/feed_pb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { badTokens } from "../../../identity/test/support/tokens.js";
import { describeEachProfile } from "../../../test/profiles.js";
import { encodeCursor } from "../queries/cursors.js";
import { feedWorld, type FeedUser, type FeedWorld } from "./world.js";

async function code(p: Promise<unknown>): Promise<Code | "ok"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    return ConnectError.from(e).code;
  }
}

describeEachProfile("feed following check-params", (c) => {
  let w: FeedWorld;
  let ana: FeedUser;
  beforeAll(async () => {
    w = await feedWorld(c);
    ana = await w.user();
  }, 180_000);
  afterAll(() => w?.server.close());

  const rpcs = {
    following: (u: Pick<FeedUser, "feed">, req: Record<string, unknown>) => u.feed.getFollowingFeed(req),
    friends: (u: Pick<FeedUser, "feed">, req: Record<string, unknown>) => u.feed.getFriendsFeed(req),
  };

  it("needs a valid token", async () => {
    const bad = await badTokens(w.server, ana.userId);
    for (const call of Object.values(rpcs)) {
      expect(await code(call({ feed: w.anonymousFeed }, {}))).toBe(Code.Unauthenticated);
      for (const token of Object.values(bad)) {
        const other = { ...ana, feed: w.feedClient(token) };
        expect(await code(call(other, {}))).toBe(Code.Unauthenticated);
      }
      expect(await code(call(ana, {}))).toBe("ok");
    }
  });

  it("refuses a limit out of range, an undefined mode, and malformed, foreign or oversized cursors", async () => {
    for (const [feed, call] of Object.entries(rpcs)) {
      for (const limit of [-1, 51, 1000]) expect(await code(call(ana, { limit })), `${feed} limit ${limit}`).toBe(Code.InvalidArgument);
      for (const limit of [0, 1, 50]) expect(await code(call(ana, { limit })), `${feed} limit ${limit}`).toBe("ok");
      expect(await code(call(ana, { mode: 7 as FeedMode }))).toBe(Code.InvalidArgument);
      const other = feed === "following" ? "friends" : "following";
      const bad = [
        "garbage!",
        "x".repeat(513),
        Buffer.from("[1,2]").toString("base64url"),
        Buffer.from('{"f":"following","m":"c","t":"soon","v":"vid_1"}').toString("base64url"),
        Buffer.from('{"f":"following","m":"r","s":"abc","o":-1}').toString("base64url"),
        encodeCursor({ feed: other, mode: "chronological", createdAt: Date.now(), videoId: "vid_1" }),
        encodeCursor({ feed: feed as "following", mode: "ranked", session: "nosuchsession", offset: 20 }), // unknown or expired
      ];
      for (const cursor of bad) expect(await code(call(ana, { cursor })), `${feed} cursor ${cursor.slice(0, 40)}`).toBe(Code.InvalidArgument);
      // A ranked cursor asked for in chronological mode, and the other way round.
      expect(await code(call(ana, { mode: FeedMode.CHRONOLOGICAL, cursor: encodeCursor({ feed: feed as "following", mode: "ranked", session: "s", offset: 1 }) }))).toBe(Code.InvalidArgument);
      expect(await code(call(ana, { mode: FeedMode.RANKED, cursor: encodeCursor({ feed: feed as "following", mode: "chronological", createdAt: 1, videoId: "v" }) }))).toBe(Code.InvalidArgument);
    }
  });

  it("refuses a consistency_token that no command returned", async () => {
    for (const call of Object.values(rpcs)) {
      for (const consistencyToken of ["not-a-token", "x".repeat(513)]) expect(await code(call(ana, { consistencyToken }))).toBe(Code.InvalidArgument);
    }
  });
});
