// Likes, saves, shares and views through a real server, on every profile.
import { Code } from "@connectrpc/connect";
import { ShareKind, SharePlatform, ViewSource } from "@flick/contracts/flick/engagement/v1/engagement_pb";
import { VideoPrivacy } from "@flick/contracts/flick/events/v1/video_pb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachProfile } from "../../test/profiles.js";
import { startTestServer, type TestServer } from "../../test/support.js";
import { rid, testEnv, world } from "./world.js";
import { codeOf } from "../../test/codes.js";

const code = codeOf;

describeEachProfile("engagement", ({ env }) => {
  let server: TestServer;
  let w: ReturnType<typeof world>;
  beforeAll(async () => {
    server = await startTestServer({ env: testEnv(env) });
    w = world(server);
    await w.settle(110_000); // a fresh Cassandra keyspace takes a while to set up
  });
  afterAll(() => server?.close());

  it("likes and unlikes idempotently; the count includes the caller's own like at once", async () => {
    const [creator, fan] = [await w.user("creator"), await w.user("fan")];
    const video = await w.video(creator);
    await w.settle();
    const requestId = rid();
    const first = await fan.engagement.likeVideo({ requestId, videoId: video });
    expect(first).toMatchObject({ liked: true, likeCount: 1n });
    expect(first.consistencyToken).not.toBe("");
    // A retry with the same request id, and a new like of a liked video: no second like.
    expect((await fan.engagement.likeVideo({ requestId, videoId: video })).likeCount).toBe(1n);
    expect((await fan.engagement.likeVideo({ requestId: rid(), videoId: video })).likeCount).toBe(1n);
    // Others' likes of the last moments may be missing from a count (the contract: the
    // caller's own change is always in it); settled, none is.
    const otherUser = await w.user("other");
    await w.settle();
    const other = await otherUser.engagement.likeVideo({ requestId: rid(), videoId: video });
    expect(other.likeCount).toBe(2n);
    await w.settle();
    const un = await fan.engagement.unlikeVideo({ requestId: rid(), videoId: video });
    expect(un).toMatchObject({ liked: false, likeCount: 1n });
    expect((await fan.engagement.unlikeVideo({ requestId: rid(), videoId: video })).likeCount).toBe(1n);
  });

  it("lists liked videos as the owner's privacy allows, and saved videos only to their owner", async () => {
    const creator = await w.user("creator");
    const [open, closed] = [await w.user("open"), await w.user("closed", { private: true })];
    const stranger = await w.user("stranger");
    const follower = await w.user("follower");
    const video = await w.video(creator);
    await w.follow(follower, closed);
    await w.settle();
    const liked = await open.engagement.likeVideo({ requestId: rid(), videoId: video });
    await closed.engagement.likeVideo({ requestId: rid(), videoId: video });
    const saved = await open.engagement.saveVideo({ requestId: rid(), videoId: video });
    expect(saved).toMatchObject({ saved: true, saveCount: 1n });

    const list = await stranger.engagement.listLikedVideos({ userId: open.id, consistencyToken: liked.consistencyToken });
    expect(list.caughtUp).toBe(true);
    expect(list.videos.map((v) => v.video?.videoId)).toEqual([video]);
    expect(list.videos[0]!.video?.stats?.likes).toBe(2n);
    // Rendered as the video context renders it everywhere: playback and cover as URLs.
    expect(list.videos[0]!.video).toMatchObject({ caption: "a video", duetEnabled: true });
    expect(list.videos[0]!.video?.thumbnailUrl).toMatch(new RegExp(`^https?://.+/videos/${video}/thumb\\.jpg$`));
    expect(list.videos[0]!.video?.playback?.masterPlaylistUrl).toMatch(new RegExp(`^https?://.+/videos/${video}/master\\.m3u8$`));
    expect(await w.anonymous.engagement.listLikedVideos({ userId: open.id }).then((r) => r.videos.length)).toBe(1);
    expect(await code(stranger.engagement.listLikedVideos({ userId: closed.id }))).toBe(Code.PermissionDenied);
    expect(await code(w.anonymous.engagement.listLikedVideos({}))).toBe(Code.Unauthenticated);
    await w.settle();
    expect((await follower.engagement.listLikedVideos({ userId: closed.id })).videos).toHaveLength(1);
    expect((await closed.engagement.listLikedVideos({})).videos).toHaveLength(1);

    const mine = await open.engagement.listSavedVideos({ consistencyToken: saved.consistencyToken });
    expect(mine.videos.map((v) => v.video?.videoId)).toEqual([video]);
    expect(mine.videos[0]!.video?.viewer).toMatchObject({ hasLiked: true, hasSaved: true });
    expect(mine.videos[0]!.video?.playback?.masterPlaylistUrl).toContain(`/videos/${video}/master.m3u8`);
    // Someone else's saved list cannot even be named: the RPC lists the caller's own.
    expect((await stranger.engagement.listSavedVideos({})).videos).toEqual([]);
    expect(await code(w.anonymous.engagement.listSavedVideos({}))).toBe(Code.Unauthenticated);
  });

  it("refuses likes of videos the caller may not see, and across a block", async () => {
    const creator = await w.user("creator");
    const fan = await w.user("fan");
    const privateVideo = await w.video(creator, { privacy: VideoPrivacy.PRIVATE });
    const friendsVideo = await w.video(creator, { privacy: VideoPrivacy.FRIENDS });
    const open = await w.video(creator);
    await w.block(creator, fan);
    await w.settle();
    expect(await code(fan.engagement.likeVideo({ requestId: rid(), videoId: privateVideo }))).toBe(Code.NotFound);
    expect(await code(fan.engagement.likeVideo({ requestId: rid(), videoId: friendsVideo }))).toBe(Code.NotFound);
    expect(await code(fan.engagement.likeVideo({ requestId: rid(), videoId: open }))).toBe(Code.PermissionDenied);
    expect(await code(fan.engagement.likeVideo({ requestId: rid(), videoId: "vid_nope" }))).toBe(Code.NotFound);
    expect(await code(fan.engagement.likeVideo({ requestId: "short", videoId: open }))).toBe(Code.InvalidArgument);
    expect(await code(w.anonymous.engagement.likeVideo({ requestId: rid(), videoId: open }))).toBe(Code.Unauthenticated);
    const stranger = await w.user("stranger");
    expect(await code(stranger.engagement.likeVideo({ requestId: rid(), videoId: privateVideo }))).toBe(Code.NotFound);
    expect(await code(stranger.engagement.likeVideo({ requestId: rid(), videoId: friendsVideo }))).toBe(Code.NotFound);
    // The creator may like their own private video.
    expect((await creator.engagement.likeVideo({ requestId: rid(), videoId: privateVideo })).liked).toBe(true);
    // Undoing follows the same rule: a video one may not see is not found, a block says so.
    for (const undo of [stranger.engagement.unlikeVideo, stranger.engagement.unsaveVideo]) {
      expect(await code(undo({ requestId: rid(), videoId: privateVideo }))).toBe(Code.NotFound);
      expect(await code(undo({ requestId: rid(), videoId: friendsVideo }))).toBe(Code.NotFound);
      expect(await code(undo({ requestId: rid(), videoId: "vid_nope" }))).toBe(Code.NotFound);
    }
    expect(await code(fan.engagement.unlikeVideo({ requestId: rid(), videoId: open }))).toBe(Code.PermissionDenied);
    expect(await code(fan.engagement.unsaveVideo({ requestId: rid(), videoId: privateVideo }))).toBe(Code.NotFound);
    expect(await code(w.anonymous.engagement.unsaveVideo({ requestId: rid(), videoId: open }))).toBe(Code.Unauthenticated);
    expect((await creator.engagement.unlikeVideo({ requestId: rid(), videoId: privateVideo })).liked).toBe(false);
  });

  it("counts shares, each request once, and checks their targets", async () => {
    const creator = await w.user("creator");
    const [sharer, friend] = [await w.user("sharer"), await w.user("friend")];
    const video = await w.video(creator);
    const privateVideo = await w.video(creator, { privacy: VideoPrivacy.PRIVATE });
    await w.settle();
    const requestId = rid();
    const ext = await sharer.engagement.shareVideo({ requestId, videoId: video, kind: ShareKind.EXTERNAL, platform: SharePlatform.WHATSAPP });
    expect(ext.shareCount).toBe(1n);
    expect(ext.shareUrl).toContain(video);
    expect((await sharer.engagement.shareVideo({ requestId, videoId: video, kind: ShareKind.EXTERNAL, platform: SharePlatform.WHATSAPP })).shareUrl).toBe(ext.shareUrl);
    await w.settle();
    const internal = await sharer.engagement.shareVideo({ requestId: rid(), videoId: video, kind: ShareKind.INTERNAL, recipientUserId: friend.id });
    expect(internal.shareCount).toBe(2n);
    expect(await code(sharer.engagement.shareVideo({ requestId: rid(), videoId: video, kind: ShareKind.INTERNAL, recipientUserId: sharer.id }))).toBe(
      Code.FailedPrecondition,
    );
    expect(await code(sharer.engagement.shareVideo({ requestId: rid(), videoId: video, kind: ShareKind.INTERNAL, recipientUserId: "usr_nobody" }))).toBe(Code.NotFound);
    expect(await code(sharer.engagement.shareVideo({ requestId: rid(), videoId: video, kind: ShareKind.INTERNAL }))).toBe(Code.InvalidArgument);
    expect(await code(sharer.engagement.shareVideo({ requestId: rid(), videoId: video, kind: ShareKind.EXTERNAL }))).toBe(Code.InvalidArgument);
    expect(await code(creator.engagement.shareVideo({ requestId: rid(), videoId: privateVideo, kind: ShareKind.EXTERNAL, platform: SharePlatform.COPY_LINK }))).toBe(
      Code.FailedPrecondition,
    );
    await w.block(friend, sharer);
    expect(await code(sharer.engagement.shareVideo({ requestId: rid(), videoId: video, kind: ShareKind.INTERNAL, recipientUserId: friend.id }))).toBe(Code.PermissionDenied);
  });

  it("records views from users and anonymous sessions, checked against the duration", async () => {
    const creator = await w.user("creator");
    const viewer = await w.user("viewer");
    const video = await w.video(creator, { durationMs: 10_000 });
    const privateVideo = await w.video(creator, { privacy: VideoPrivacy.PRIVATE });
    await w.settle();
    const view = { videoId: video, watchTimeMs: 8_000, completionRatio: 0.8, source: ViewSource.FYP };
    const requestId = rid();
    const first = await viewer.engagement.recordView({ requestId, ...view });
    expect(first.consistencyToken).not.toBe("");
    expect((await viewer.engagement.recordView({ requestId, ...view })).consistencyToken).toBe(first.consistencyToken);
    await w.anonymous.engagement.recordView({ requestId: rid(), ...view, anonymousSessionId: "anon-session-0123456789" });
    expect(await code(w.anonymous.engagement.recordView({ requestId: rid(), ...view }))).toBe(Code.InvalidArgument);
    expect(await code(viewer.engagement.recordView({ requestId: rid(), ...view, watchTimeMs: -1 }))).toBe(Code.InvalidArgument);
    expect(await code(viewer.engagement.recordView({ requestId: rid(), ...view, watchTimeMs: 3_000_000 }))).toBe(Code.InvalidArgument);
    expect(await code(viewer.engagement.recordView({ requestId: rid(), ...view, watchTimeMs: 200_000 }))).toBe(Code.InvalidArgument);
    expect(await code(viewer.engagement.recordView({ requestId: rid(), ...view, source: ViewSource.UNSPECIFIED }))).toBe(Code.InvalidArgument);
    expect(await code(viewer.engagement.recordView({ requestId: rid(), ...view, videoId: privateVideo }))).toBe(Code.NotFound);
    const liked = await viewer.engagement.likeVideo({ requestId: rid(), videoId: video });
    const list = await viewer.engagement.listLikedVideos({ consistencyToken: liked.consistencyToken });
    await w.settle();
    const again = await viewer.engagement.listLikedVideos({});
    expect(list.videos).toHaveLength(1);
    expect(again.videos[0]!.video?.stats?.views).toBe(2n);
  });
});
