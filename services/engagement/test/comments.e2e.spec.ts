// Comments through a real server, on every profile: threads, mentions, deletes, likes,
// ordering, and who may do what.
import { Code } from "@connectrpc/connect";
import { CommentOrder } from "@flick/contracts/flick/engagement/v1/engagement_pb";
import { VideoPrivacy } from "@flick/contracts/flick/events/v1/video_pb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachProfile } from "../../test/profiles.js";
import { startTestServer, type TestServer } from "../../test/support.js";
import { rid, testEnv, world } from "./world.js";
import { codeOf } from "../../test/codes.js";

const code = codeOf;

describeEachProfile("comments", ({ env }) => {
  let server: TestServer;
  let w: ReturnType<typeof world>;
  beforeAll(async () => {
    server = await startTestServer({ env: testEnv(env) });
    w = world(server);
    await w.settle(110_000); // a fresh Cassandra keyspace takes a while to set up
  });
  afterAll(() => server?.close());

  it("posts comments and two-level threads, with mentions resolved to users", async () => {
    const [creator, ana, ben] = [await w.user("creator"), await w.user("ana"), await w.user("ben")];
    const video = await w.video(creator);
    await w.settle();
    const requestId = rid();
    const top = await ana.comments.createComment({ requestId, videoId: video, text: `  hello @${ben.username} and @nobody_here_x.  ` });
    expect(top.comment).toMatchObject({ text: `hello @${ben.username} and @nobody_here_x.`, parentCommentId: "", byVideoCreator: false, viewerCanDelete: true });
    expect(top.comment?.mentions.map((m) => [m.userId, m.start, m.length])).toEqual([[ben.id, 6, ben.username.length + 1]]);
    // A retry returns the same comment instead of posting a second one.
    expect((await ana.comments.createComment({ requestId, videoId: video, text: "something else" })).comment?.id).toBe(top.comment?.id);

    const reply = await ben.comments.createComment({ requestId: rid(), videoId: video, text: "hi!", parentCommentId: top.comment!.id });
    expect(reply.comment).toMatchObject({ parentCommentId: top.comment!.id });
    expect(reply.comment?.replyToUser?.userId).toBe(ana.id);
    // A reply to a reply hangs under the same top-level comment, answering its author.
    const nested = await creator.comments.createComment({ requestId: rid(), videoId: video, text: "thanks", parentCommentId: reply.comment!.id });
    expect(nested.comment).toMatchObject({ parentCommentId: top.comment!.id, byVideoCreator: true });
    expect(nested.comment?.replyToUser?.userId).toBe(ben.id);

    const list = await w.anonymous.comments.listComments({ videoId: video, order: CommentOrder.NEWEST, consistencyToken: nested.consistencyToken });
    expect(list).toMatchObject({ caughtUp: true, commentsEnabled: true, commentCount: 3n });
    expect(list.comments.map((c) => c.id)).toEqual([top.comment!.id]);
    expect(list.comments[0]!.replyCount).toBe(2n);
    const replies = await w.anonymous.comments.listReplies({ commentId: top.comment!.id });
    expect(replies.replies.map((r) => r.id)).toEqual([reply.comment!.id, nested.comment!.id]);
    expect(await code(w.anonymous.comments.listReplies({ commentId: reply.comment!.id }))).toBe(Code.InvalidArgument);
  });

  it("orders by newest and by top, and pages with cursors", async () => {
    const [creator, ana] = [await w.user("creator"), await w.user("ana")];
    const fans = await Promise.all([1, 2, 3].map((i) => w.user(`fan${i}`)));
    const video = await w.video(creator);
    await w.settle();
    const ids: string[] = [];
    for (const i of [0, 1, 2, 3, 4]) ids.push((await ana.comments.createComment({ requestId: rid(), videoId: video, text: `comment ${i}` })).comment!.id);
    // Comment 1 gets three likes, comment 3 one.
    for (const fan of fans) await fan.comments.likeComment({ requestId: rid(), commentId: ids[1]! });
    const liked = await fans[0]!.comments.likeComment({ requestId: rid(), commentId: ids[3]! });
    expect(liked).toMatchObject({ liked: true, likeCount: 1n });
    const token = liked.consistencyToken;

    const newest = await ana.comments.listComments({ videoId: video, order: CommentOrder.NEWEST, limit: 2, consistencyToken: token });
    expect(newest.comments.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    const next = await ana.comments.listComments({ videoId: video, order: CommentOrder.NEWEST, limit: 2, cursor: newest.nextCursor });
    expect(next.comments.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const last = await ana.comments.listComments({ videoId: video, order: CommentOrder.NEWEST, limit: 2, cursor: next.nextCursor });
    expect(last.comments.map((c) => c.id)).toEqual([ids[0]]);
    expect(last.nextCursor).toBe("");

    const top = await fans[0]!.comments.listComments({ videoId: video, limit: 3, consistencyToken: token });
    expect(top.comments.map((c) => c.id)).toEqual([ids[1], ids[3], ids[4]]);
    expect(top.comments[0]).toMatchObject({ likeCount: 3n, viewerLiked: true });
    const rest = await fans[0]!.comments.listComments({ videoId: video, limit: 3, cursor: top.nextCursor });
    expect(rest.comments.map((c) => c.id)).toEqual([ids[2], ids[0]]);
    // A cursor belongs to its video and order.
    expect(await code(ana.comments.listComments({ videoId: video, order: CommentOrder.NEWEST, cursor: top.nextCursor }))).toBe(Code.InvalidArgument);
    expect(await code(ana.comments.listComments({ videoId: video, cursor: "garbage" }))).toBe(Code.InvalidArgument);

    const unliked = await fans[0]!.comments.unlikeComment({ requestId: rid(), commentId: ids[3]! });
    expect(unliked).toMatchObject({ liked: false, likeCount: 0n });
  });

  it("deletes by the author or the video's creator, never by others, and hides a thread", async () => {
    const [creator, ana, ben, admin] = [await w.user("creator"), await w.user("ana"), await w.user("ben"), await w.user("admin", { admin: true })];
    const video = await w.video(creator);
    await w.settle();
    const top = (await ana.comments.createComment({ requestId: rid(), videoId: video, text: "top" })).comment!;
    await ben.comments.createComment({ requestId: rid(), videoId: video, text: "reply", parentCommentId: top.id });
    const benTop = (await ben.comments.createComment({ requestId: rid(), videoId: video, text: "mine" })).comment!;
    const adminTarget = (await ben.comments.createComment({ requestId: rid(), videoId: video, text: "spam" })).comment!;
    expect(await code(ben.comments.deleteComment({ requestId: rid(), commentId: top.id }))).toBe(Code.PermissionDenied);
    expect(await code(ana.comments.deleteComment({ requestId: rid(), commentId: "cmt_nope" }))).toBe(Code.NotFound);
    await ben.comments.deleteComment({ requestId: rid(), commentId: benTop.id });
    await admin.comments.deleteComment({ requestId: rid(), commentId: adminTarget.id });
    const deleted = await creator.comments.deleteComment({ requestId: rid(), commentId: top.id });
    // Deleting again succeeds (idempotent).
    await creator.comments.deleteComment({ requestId: rid(), commentId: top.id });
    const list = await ana.comments.listComments({ videoId: video, consistencyToken: deleted.consistencyToken });
    expect(list.comments).toEqual([]);
    expect(list.commentCount).toBe(0n);
    expect(await code(ana.comments.listReplies({ commentId: top.id }))).toBe(Code.NotFound);
    expect(await code(ben.comments.createComment({ requestId: rid(), videoId: video, text: "late", parentCommentId: top.id }))).toBe(Code.NotFound);
    expect(await code(ben.comments.likeComment({ requestId: rid(), commentId: top.id }))).toBe(Code.NotFound);
  });

  it("refuses comments that are disabled, blocked, empty, oversized or on another video's thread", async () => {
    const [creator, ana, blocked] = [await w.user("creator"), await w.user("ana"), await w.user("blocked")];
    const video = await w.video(creator);
    const other = await w.video(creator);
    const quiet = await w.video(creator, { comments: false });
    const privateVideo = await w.video(creator, { privacy: VideoPrivacy.PRIVATE });
    await w.block(creator, blocked);
    await w.settle();
    const top = (await ana.comments.createComment({ requestId: rid(), videoId: video, text: "top" })).comment!;
    expect(await code(ana.comments.createComment({ requestId: rid(), videoId: quiet, text: "hi" }))).toBe(Code.FailedPrecondition);
    expect((await ana.comments.listComments({ videoId: quiet })).commentsEnabled).toBe(false);
    expect(await code(blocked.comments.createComment({ requestId: rid(), videoId: video, text: "hi" }))).toBe(Code.PermissionDenied);
    expect(await code(ana.comments.createComment({ requestId: rid(), videoId: privateVideo, text: "hi" }))).toBe(Code.NotFound);
    expect(await code(ana.comments.createComment({ requestId: rid(), videoId: video, text: "" }))).toBe(Code.InvalidArgument);
    expect(await code(ana.comments.createComment({ requestId: rid(), videoId: video, text: "   " }))).toBe(Code.InvalidArgument);
    expect(await code(ana.comments.createComment({ requestId: rid(), videoId: video, text: "x".repeat(501) }))).toBe(Code.InvalidArgument);
    expect((await ana.comments.createComment({ requestId: rid(), videoId: video, text: "é".repeat(500) })).comment?.text).toHaveLength(500);
    expect(await code(ana.comments.createComment({ requestId: rid(), videoId: other, text: "hi", parentCommentId: top.id }))).toBe(Code.FailedPrecondition);
    expect(await code(ana.comments.createComment({ requestId: rid(), videoId: video, text: "hi", parentCommentId: "cmt_nope" }))).toBe(Code.NotFound);
    expect(await code(w.anonymous.comments.createComment({ requestId: rid(), videoId: video, text: "hi" }))).toBe(Code.Unauthenticated);
    expect(await code(blocked.comments.likeComment({ requestId: rid(), commentId: top.id }))).toBe(Code.PermissionDenied);
    expect(await code(blocked.comments.listComments({ videoId: video }))).toBe(Code.NotFound);
    expect(await code(w.anonymous.comments.listComments({ videoId: privateVideo }))).toBe(Code.NotFound);
    expect(await code(ana.comments.unlikeComment({ requestId: rid(), commentId: "cmt_nope" }))).toBe(Code.NotFound);
    // Comments of users across a block with the caller are left out of the caller's list.
    const blockedByAna = await w.user("pest");
    await blockedByAna.comments.createComment({ requestId: rid(), videoId: video, text: "pest" });
    await w.block(ana, blockedByAna);
    await w.settle();
    const texts = (await ana.comments.listComments({ videoId: video, order: CommentOrder.NEWEST })).comments.map((c) => c.text);
    expect(texts).not.toContain("pest");
    expect((await creator.comments.listComments({ videoId: video, order: CommentOrder.NEWEST })).comments.map((c) => c.text)).toContain("pest");
  });
});
