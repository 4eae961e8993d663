// Notifications through a real server, on every profile: who is told what, aggregation,
// read state, and the live stream with resume.
import { Code } from "@connectrpc/connect";
import { NotificationKind } from "@flick/contracts/flick/notification/v1/notification_pb";
import type { StreamNotificationsResponse } from "@flick/contracts/flick/notification/v1/notification_service_pb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachProfile } from "../../test/profiles.js";
import { startTestServer, type TestServer } from "../../test/support.js";
import { rid, testEnv, world, type TestUser } from "../../engagement/test/world.js";
import { codeOf } from "../../test/codes.js";

const code = codeOf;

/** Collects a stream's messages until `until` holds or the time runs out. */
async function collect(user: TestUser, afterId: string, until: (got: StreamNotificationsResponse[]) => boolean, timeoutMs = 5_000) {
  const controller = new AbortController();
  const got: StreamNotificationsResponse[] = [];
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    for await (const m of user.notifications.streamNotifications({ afterId }, { signal: controller.signal })) {
      got.push(m);
      if (until(got)) break;
    }
  } catch (e) {
    if (!controller.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return got;
}

describeEachProfile("notifications", ({ env }) => {
  let server: TestServer;
  let w: ReturnType<typeof world>;
  beforeAll(async () => {
    server = await startTestServer({ env: testEnv(env) });
    w = world(server);
    await w.settle(110_000); // a fresh Cassandra keyspace takes a while to set up
  });
  afterAll(() => server?.close());

  it("aggregates likes per video, tells commenters, repliers and the mentioned, and never the actor", async () => {
    const creator = await w.user("creator");
    const [ana, ben, cleo] = [await w.user("ana"), await w.user("ben"), await w.user("cleo")];
    const video = await w.video(creator);
    await w.settle();
    for (const u of [ana, ben, cleo]) await u.engagement.likeVideo({ requestId: rid(), videoId: video });
    await ana.engagement.unlikeVideo({ requestId: rid(), videoId: video });
    await ana.engagement.likeVideo({ requestId: rid(), videoId: video }); // the same person again: no new actor
    await creator.engagement.likeVideo({ requestId: rid(), videoId: video }); // own content: nothing
    const top = (await ana.comments.createComment({ requestId: rid(), videoId: video, text: `nice @${cleo.username}` })).comment!;
    await ben.comments.createComment({ requestId: rid(), videoId: video, text: "agreed", parentCommentId: top.id });
    await w.settle();

    const inbox = await creator.notifications.listNotifications({});
    const likes = inbox.notifications.filter((n) => n.kind === NotificationKind.LIKE);
    expect(likes).toHaveLength(1);
    expect(likes[0]!.actorCount).toBe(3n);
    expect(likes[0]!.actors.map((a) => a.userId)).toEqual([cleo.id, ben.id, ana.id]);
    // The video's cover from the catalogue, as a URL.
    expect(likes[0]!.thumbnailUrl).toMatch(new RegExp(`^https?://.+/videos/${video}/thumb\\.jpg$`));
    expect(inbox.notifications.filter((n) => n.kind === NotificationKind.COMMENT).map((n) => n.commentId)).toEqual([top.id]);
    expect(inbox.unreadCount).toBe(2n);
    const anaInbox = await ana.notifications.listNotifications({});
    expect(anaInbox.notifications.map((n) => [n.kind, n.parentCommentId])).toEqual([[NotificationKind.REPLY, top.id]]);
    const cleoInbox = await cleo.notifications.listNotifications({ kinds: [NotificationKind.MENTION] });
    expect(cleoInbox.notifications.map((n) => n.commentId)).toEqual([top.id]);
    expect((await cleo.notifications.getUnreadCount({ kinds: [NotificationKind.LIKE] })).unreadCount).toBe(0n);
  });

  it("marks read up to an update id, or by id; a new actor makes an entry unread again", async () => {
    const creator = await w.user("creator");
    const [ana, ben] = [await w.user("ana"), await w.user("ben")];
    const video = await w.video(creator);
    await w.follow(ana, creator);
    await w.settle();
    await ana.engagement.likeVideo({ requestId: rid(), videoId: video });
    await w.settle();
    const before = await creator.notifications.listNotifications({});
    expect(before.unreadCount).toBe(2n);
    const marked = await creator.notifications.markNotificationsRead({ requestId: rid(), upToUpdateId: before.latestUpdateId });
    expect(marked.unreadCount).toBe(0n);
    expect(marked.updateId > before.latestUpdateId).toBe(true);
    await ben.engagement.likeVideo({ requestId: rid(), videoId: video });
    await w.settle();
    const after = await creator.notifications.listNotifications({});
    expect(after.unreadCount).toBe(1n);
    const like = after.notifications.find((n) => n.kind === NotificationKind.LIKE)!;
    expect(like).toMatchObject({ read: false, actorCount: 2n });
    expect((await creator.notifications.markNotificationsRead({ requestId: rid(), notificationIds: [like.id, "nunknown"] })).unreadCount).toBe(0n);
    expect(await code(creator.notifications.markNotificationsRead({ requestId: rid(), upToUpdateId: "bogus" }))).toBe(Code.InvalidArgument);
    expect(await code(creator.notifications.markNotificationsRead({ requestId: rid() }))).toBe(Code.InvalidArgument);
    expect((await creator.notifications.markNotificationsRead({ requestId: rid(), all: true })).unreadCount).toBe(0n);
  });

  it("sends nothing from a blocked user, and drops a comment's notice when it is deleted", async () => {
    const creator = await w.user("creator");
    const [pest, ana] = [await w.user("pest"), await w.user("ana")];
    const video = await w.video(creator);
    await w.block(creator, pest);
    await w.settle();
    // The API refuses the pest's like; a follow that raced the block (written by the social
    // context before it saw the block) still tells the creator nothing.
    expect(await code(pest.engagement.likeVideo({ requestId: rid(), videoId: video }))).toBe(Code.PermissionDenied);
    await w.follow(pest, creator);
    const c = (await ana.comments.createComment({ requestId: rid(), videoId: video, text: "hello" })).comment!;
    await w.settle();
    const inbox = await creator.notifications.listNotifications({});
    expect(inbox.notifications.map((n) => n.commentId)).toEqual([c.id]);
    await ana.comments.deleteComment({ requestId: rid(), commentId: c.id });
    await w.settle();
    expect((await creator.notifications.listNotifications({})).notifications).toEqual([]);
  });

  it("streams live within a second, resumes after a reconnect without loss, and needs a token", async () => {
    const creator = await w.user("creator");
    const fans = await Promise.all([1, 2, 3, 4].map((i) => w.user(`fan${i}`)));
    const videos = [await w.video(creator), await w.video(creator), await w.video(creator), await w.video(creator)];
    await w.settle();
    const start = (await creator.notifications.getUnreadCount({})).latestUpdateId;

    // Live: the first like arrives within a second.
    const live = collect(creator, start, (got) => got.some((m) => m.change.case === "notification"));
    await new Promise((r) => setTimeout(r, 300));
    const sent = Date.now();
    await fans[0]!.engagement.likeVideo({ requestId: rid(), videoId: videos[0]! });
    const first = await live;
    const received = first.find((m) => m.change.case === "notification")!;
    expect(Date.now() - sent).toBeLessThan(1_000);
    expect(received.unreadCount).toBe(1n);

    // Disconnected: three more happen; reconnecting after the last id received replays them, in order.
    for (let i = 1; i < 4; i++) await fans[i]!.engagement.likeVideo({ requestId: rid(), videoId: videos[i]! });
    const resumed = await collect(creator, received.updateId, (got) => got.filter((m) => m.change.case === "notification").length >= 3);
    const notices = resumed.filter((m) => m.change.case === "notification");
    expect(notices.map((m) => (m.change.value as { videoId: string }).videoId)).toEqual(videos.slice(1));
    expect(notices.map((m) => m.updateId)).toEqual([...notices.map((m) => m.updateId)].sort());
    expect(notices[0]!.updateId > received.updateId).toBe(true);

    // Read marks reach the stream too.
    const marks = collect(creator, notices[2]!.updateId, (got) => got.some((m) => m.change.case === "read"));
    await creator.notifications.markNotificationsRead({ requestId: rid(), all: true });
    expect((await marks).find((m) => m.change.case === "read")!.unreadCount).toBe(0n);

    expect(await code(collect(creator, "00000000000000000001-00000000000000000001-00", () => true))).toBe(Code.FailedPrecondition);
    expect(await code(collect(creator, "not-an-id", () => true))).toBe(Code.InvalidArgument);
    const anonymous = { ...creator, notifications: w.anonymous.notifications };
    expect(await code(collect(anonymous, "", () => true))).toBe(Code.Unauthenticated);
    expect(await code(w.anonymous.notifications.listNotifications({}))).toBe(Code.Unauthenticated);
  });
});
