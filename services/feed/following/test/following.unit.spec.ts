// The pure parts: the ranked score, cursors and resume tokens, and how the live stream
// judges an activity row for one viewer.
import { describe, expect, it } from "vitest";
import { Privacy } from "@flick/contracts/flick/video/v1/video_pb";
import { ViewerContext } from "../../../social/visibility.js";
import { judge } from "../live/following-stream.js";
import { decodeResumeToken, encodeResumeToken } from "../live/resume-token.js";
import { BUCKET_MS, bucketOf } from "../projections/following-activity.projection.js";
import { decodeCursor, encodeCursor } from "../queries/cursors.js";
import { HALF_LIFE_MS, rankScore } from "../queries/rank-score.js";

const counts = (o: Partial<Record<"views" | "likes" | "comments" | "shares" | "saves", number>> = {}) => ({
  views: BigInt(o.views ?? 0),
  likes: BigInt(o.likes ?? 0),
  comments: BigInt(o.comments ?? 0),
  shares: BigInt(o.shares ?? 0),
  saves: BigInt(o.saves ?? 0),
});

describe("rankScore", () => {
  it("grows with engagement, shrinks with age, and halves per half-life", () => {
    expect(rankScore(counts({ views: 100, likes: 30 }), 0)).toBeGreaterThan(rankScore(counts({ views: 100, likes: 3 }), 0));
    expect(rankScore(counts({ views: 100, shares: 10 }), 0)).toBeGreaterThan(rankScore(counts({ views: 100, likes: 10 }), 0));
    expect(rankScore(counts({ likes: 5 }), HALF_LIFE_MS)).toBeCloseTo(rankScore(counts({ likes: 5 }), 0) / 2);
    expect(rankScore(undefined, 0)).toBe(rankScore(counts(), 0));
  });
  it("does not let a tiny sample beat a large, well-liked one", () => {
    expect(rankScore(counts({ views: 1000, likes: 300 }), 0)).toBeGreaterThan(rankScore(counts({ views: 1, likes: 1 }), 0));
  });
});

describe("cursors", () => {
  it("round-trip, and name their feed and mode", () => {
    const c = { feed: "friends" as const, mode: "chronological" as const, createdAt: 1_700_000_000_123, videoId: "vid_x" };
    expect(decodeCursor(encodeCursor(c), "friends", "chronological")).toEqual(c);
    expect(() => decodeCursor(encodeCursor(c), "following", "chronological")).toThrow(/friends feed/);
    expect(() => decodeCursor(encodeCursor(c), "friends", "ranked")).toThrow(/chronological mode/);
    const r = { feed: "following" as const, mode: "ranked" as const, session: "abc", offset: 20 };
    expect(decodeCursor(encodeCursor(r), "following", "ranked")).toEqual(r);
    expect(decodeCursor("", "following", "ranked")).toBeUndefined();
  });
});

describe("resume tokens", () => {
  const now = new Date();
  it("round-trip within the window and expire after it", () => {
    const p = { bucket: bucketOf(now.getTime()) - 3, updateId: "00000000000000000012-00000000000000000034-00" };
    expect(decodeResumeToken(encodeResumeToken(p), now, 3600_000)).toEqual(p);
    expect(() => decodeResumeToken(encodeResumeToken(p), now, BUCKET_MS)).toThrow(/older/);
    expect(() => decodeResumeToken("bogus", now, 3600_000)).toThrow(/resume token/);
  });
});

describe("judge", () => {
  const viewer = new ViewerContext("v", new Set(["friend", "followed", "blocker"]), new Set(["friend"]), new Set(), new Set(["blocker"]));
  const row = (creator_id: string, kind: string, privacy: Privacy, old_privacy: Privacy | null = null) => ({ bucket: 0, update_id: "u", kind, video_id: "vid", creator_id, privacy, old_privacy });
  it("publishes what the viewer may now see from followed creators only", () => {
    expect(judge(viewer, row("followed", "published", Privacy.PUBLIC))).toBe("published");
    expect(judge(viewer, row("followed", "published", Privacy.FRIENDS))).toBeUndefined();
    expect(judge(viewer, row("friend", "published", Privacy.FRIENDS))).toBe("published");
    expect(judge(viewer, row("stranger", "published", Privacy.PUBLIC))).toBeUndefined();
    expect(judge(viewer, row("blocker", "published", Privacy.PUBLIC))).toBeUndefined();
    expect(judge(viewer, row("v", "published", Privacy.PUBLIC))).toBeUndefined();
  });
  it("removes what the viewer could see and no longer can; a privacy change may also publish", () => {
    expect(judge(viewer, row("followed", "removed", Privacy.PUBLIC))).toBe("removed");
    expect(judge(viewer, row("followed", "removed", Privacy.PRIVATE))).toBeUndefined();
    expect(judge(viewer, row("followed", "privacy", Privacy.PRIVATE, Privacy.PUBLIC))).toBe("removed");
    expect(judge(viewer, row("followed", "privacy", Privacy.PUBLIC, Privacy.PRIVATE))).toBe("published");
    expect(judge(viewer, row("friend", "privacy", Privacy.FRIENDS, Privacy.PUBLIC))).toBeUndefined();
  });
});
