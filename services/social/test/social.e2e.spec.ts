// The social graph through the real server, on every profile: follows, private accounts
// and their requests, friends, lists with cursors, blocks, and deleted accounts.
import { FollowStatus } from "@flick/contracts/flick/social/v1/social_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachProfile } from "../../test/profiles.js";
import { clients, Code, codeOf, eventually, newUser, rid, type TestUser } from "../../identity/test/support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { loadViewerContext } from "../visibility.js";

describeEachProfile("social graph", (c) => {
  let server: IsolatedServer;
  beforeAll(async () => {
    server = await startIsolatedServer(c, { FLICK_SCRYPT_LOG_N: "12" });
  });
  afterAll(() => server?.close());

  const user = (options?: { private?: boolean }) => newUser(server, options);
  const profileOf = (viewer: TestUser, target: TestUser) => viewer.profiles.getProfile({ user: { case: "userId", value: target.userId } });
  const names = (list: { user?: { username: string } }[]) => list.map((x) => x.user?.username);

  describe("following", () => {
    it("follows a public account at once; following twice changes nothing; the follower sees it at once", async () => {
      const [ana, bob] = [await user(), await user()];
      expect((await ana.social.follow({ requestId: rid(), userId: bob.userId })).status).toBe(FollowStatus.FOLLOWING);
      expect((await ana.social.follow({ requestId: rid(), userId: bob.userId })).status).toBe(FollowStatus.FOLLOWING);
      // Read-your-writes: no waiting for the follower's own lists and profile views.
      expect(names((await ana.social.listFollowing({})).following)).toEqual([bob.username]);
      expect((await profileOf(ana, bob)).profile).toMatchObject({ viewerFollows: true, followerCount: 1n });
      // Others see it moments later.
      await eventually(async () => expect(names((await clients(server).social.listFollowers({ userId: bob.userId })).followers)).toEqual([ana.username]));
      await eventually(async () => expect((await profileOf(bob, ana)).profile).toMatchObject({ followsViewer: true, followingCount: 1n }));
    });

    it("unfollows, and unfollowing again is a no-op", async () => {
      const [ana, bob] = [await user(), await user()];
      await ana.social.follow({ requestId: rid(), userId: bob.userId });
      await ana.social.unfollow({ requestId: rid(), userId: bob.userId });
      await ana.social.unfollow({ requestId: rid(), userId: bob.userId });
      expect((await ana.social.listFollowing({})).following).toEqual([]);
      expect((await profileOf(ana, bob)).profile).toMatchObject({ viewerFollows: false, followerCount: 0n });
    });

    it("lists newest first, a page at a time", async () => {
      const star = await user();
      const fans: TestUser[] = [];
      for (let i = 0; i < 5; i++) {
        const fan = await user();
        await fan.social.follow({ requestId: rid(), userId: star.userId });
        fans.push(fan);
      }
      const expected = fans.map((f) => f.username).reverse();
      await eventually(async () => expect((await clients(server).social.listFollowers({ userId: star.userId, limit: 100 })).followers).toHaveLength(5));
      const seen: string[] = [];
      let cursor = "";
      do {
        const page = await clients(server).social.listFollowers({ userId: star.userId, limit: 2, cursor });
        seen.push(...names(page.followers).map(String));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected);
    });

    it("makes friends of mutual follows, and unmakes them", async () => {
      const [ana, bob] = [await user(), await user()];
      await ana.social.follow({ requestId: rid(), userId: bob.userId });
      await bob.social.follow({ requestId: rid(), userId: ana.userId });
      expect(names((await bob.social.listFriends({})).friends)).toEqual([ana.username]);
      await eventually(async () => expect(names((await ana.social.listFriends({})).friends)).toEqual([bob.username]));
      const row = (await ana.social.listFollowing({})).following[0]!;
      expect(row).toMatchObject({ viewerFollows: true, followsViewer: true });
      await ana.social.unfollow({ requestId: rid(), userId: bob.userId });
      expect((await ana.social.listFriends({})).friends).toEqual([]);
    });

    it("removes a follower", async () => {
      const [ana, bob] = [await user(), await user()];
      await bob.social.follow({ requestId: rid(), userId: ana.userId });
      await eventually(async () => expect((await ana.social.listFollowers({})).followers).toHaveLength(1));
      await ana.social.removeFollower({ requestId: rid(), userId: bob.userId });
      expect((await ana.social.listFollowers({})).followers).toEqual([]);
    });
  });

  describe("private accounts", () => {
    it("turns a follow into a request the owner approves", async () => {
      const [owner, fan] = [await user({ private: true }), await user()];
      expect((await fan.social.follow({ requestId: rid(), userId: owner.userId })).status).toBe(FollowStatus.REQUESTED);
      expect((await profileOf(fan, owner)).profile).toMatchObject({ privateAccount: true, followRequested: true, viewerFollows: false, contentVisible: false });
      expect(names((await fan.social.listSentFollowRequests({})).requests)).toEqual([owner.username]);
      await eventually(async () => expect(names((await owner.social.listFollowRequests({})).requests)).toEqual([fan.username]));
      await owner.social.approveFollowRequest({ requestId: rid(), userId: fan.userId });
      expect((await owner.social.listFollowRequests({})).requests).toEqual([]);
      expect(names((await owner.social.listFollowers({})).followers)).toEqual([fan.username]);
      await eventually(async () => expect((await profileOf(fan, owner)).profile).toMatchObject({ viewerFollows: true, contentVisible: true }));
    });

    it("declines and cancels requests", async () => {
      const [owner, a, b] = [await user({ private: true }), await user(), await user()];
      await a.social.follow({ requestId: rid(), userId: owner.userId });
      await b.social.follow({ requestId: rid(), userId: owner.userId });
      await b.social.cancelFollowRequest({ requestId: rid(), userId: owner.userId });
      await eventually(async () => expect(names((await owner.social.listFollowRequests({})).requests)).toEqual([a.username]));
      await owner.social.declineFollowRequest({ requestId: rid(), userId: a.userId });
      expect((await owner.social.listFollowRequests({})).requests).toEqual([]);
      expect(await codeOf(owner.social.approveFollowRequest({ requestId: rid(), userId: a.userId }))).toBe(Code.NotFound);
      expect((await owner.social.listFollowers({})).followers).toEqual([]);
    });

    it("approves every pending request when the account goes public", async () => {
      const [owner, a, b] = [await user({ private: true }), await user(), await user()];
      await a.social.follow({ requestId: rid(), userId: owner.userId });
      await b.social.follow({ requestId: rid(), userId: owner.userId });
      await owner.profiles.updateProfile({ requestId: rid(), privateAccount: false });
      expect((await owner.social.listFollowRequests({})).requests).toEqual([]);
      expect(names((await owner.social.listFollowers({})).followers).sort()).toEqual([a.username, b.username].sort());
    });

    it("shows a private account's lists to approved followers only", async () => {
      const [owner, fan, stranger] = [await user({ private: true }), await user(), await user()];
      await fan.social.follow({ requestId: rid(), userId: owner.userId });
      await eventually(async () => expect((await owner.social.listFollowRequests({})).requests).toHaveLength(1));
      await owner.social.approveFollowRequest({ requestId: rid(), userId: fan.userId });
      await eventually(async () => expect(await codeOf(fan.social.listFollowers({ userId: owner.userId }))).toBe("ok"));
      expect(await codeOf(stranger.social.listFollowers({ userId: owner.userId }))).toBe(Code.PermissionDenied);
      expect(await codeOf(stranger.social.listFollowing({ userId: owner.userId }))).toBe(Code.PermissionDenied);
      expect(await codeOf(clients(server).social.listFollowers({ userId: owner.userId }))).toBe(Code.PermissionDenied);
      // The profile itself is still shown, without its content.
      expect((await profileOf(stranger, owner)).profile).toMatchObject({ username: owner.username, contentVisible: false });
    });
  });

  describe("blocks", () => {
    it("removes follows both ways and pending requests, and hides each side from the other", async () => {
      const [ana, bob, carol] = [await user(), await user({ private: true }), await user()];
      await ana.social.follow({ requestId: rid(), userId: carol.userId });
      await carol.social.follow({ requestId: rid(), userId: ana.userId });
      await ana.social.follow({ requestId: rid(), userId: bob.userId }); // a pending request
      await bob.social.follow({ requestId: rid(), userId: ana.userId });
      await eventually(async () => expect((await ana.social.listFollowers({})).followers).toHaveLength(2));

      await ana.social.block({ requestId: rid(), userId: bob.userId });
      await ana.social.block({ requestId: rid(), userId: bob.userId }); // idempotent
      expect(names((await ana.social.listFollowers({})).followers)).toEqual([carol.username]);
      expect((await ana.social.listSentFollowRequests({})).requests).toEqual([]);
      expect(names((await ana.social.listBlockedUsers({})).blockedUsers)).toEqual([bob.username]);
      // The blocker still sees the name (to unblock), nothing more.
      expect((await profileOf(ana, bob)).profile).toMatchObject({ username: bob.username, viewerBlocked: true, contentVisible: false, bio: "" });
      // The blocked user does not see the blocker at all, nor can follow.
      await eventually(async () => expect(await codeOf(profileOf(bob, ana))).toBe(Code.NotFound));
      expect(await codeOf(bob.social.follow({ requestId: rid(), userId: ana.userId }))).toBe(Code.NotFound);
      expect(await codeOf(ana.social.follow({ requestId: rid(), userId: bob.userId }))).toBe(Code.PermissionDenied);
      expect(await codeOf(bob.social.listFollowers({ userId: ana.userId }))).toBe(Code.NotFound);
      expect(await codeOf(ana.social.listFollowing({ userId: bob.userId }))).toBe(Code.PermissionDenied);
      expect((await bob.profiles.getProfiles({ userIds: [ana.userId, carol.userId] })).profiles.map((p) => p.userId)).toEqual([carol.userId]);
      // Neither shows up in a third user's lists as seen by the other.
      await eventually(async () => expect(names((await bob.social.listFollowing({ userId: carol.userId })).following)).toEqual([]));
      await eventually(async () => expect((await profileOf(carol, ana)).profile?.followerCount).toBe(1n));
    });

    it("lifts a block without restoring the old edges", async () => {
      const [ana, bob] = [await user(), await user()];
      await bob.social.follow({ requestId: rid(), userId: ana.userId });
      await ana.social.block({ requestId: rid(), userId: bob.userId });
      await ana.social.unblock({ requestId: rid(), userId: bob.userId });
      await ana.social.unblock({ requestId: rid(), userId: bob.userId }); // idempotent
      expect((await ana.social.listBlockedUsers({})).blockedUsers).toEqual([]);
      expect((await ana.social.listFollowers({})).followers).toEqual([]);
      expect((await bob.social.follow({ requestId: rid(), userId: ana.userId })).status).toBe(FollowStatus.FOLLOWING);
    });

    it("gives later features one visibility check that honours follows, friends, privacy and blocks", async () => {
      const [viewer, friend, followed, blocker, blocked, stranger] = await Promise.all([user(), user(), user(), user(), user(), user()]);
      await viewer.social.follow({ requestId: rid(), userId: friend.userId });
      await friend.social.follow({ requestId: rid(), userId: viewer.userId });
      await viewer.social.follow({ requestId: rid(), userId: followed.userId });
      await blocker.social.block({ requestId: rid(), userId: viewer.userId });
      await viewer.social.block({ requestId: rid(), userId: blocked.userId });
      const ctx = await eventually(async () => {
        const loaded = await loadViewerContext(server.flick.platform, viewer.userId);
        expect(loaded.isFriend(friend.userId) && loaded.isBlockedBy(blocker.userId)).toBe(true);
        return loaded;
      });
      const item = (creator: TestUser, privacy: "public" | "friends" | "private", creatorPrivate = false) => ({ creatorId: creator.userId, privacy, creatorPrivate });
      expect(ctx.canSee(item(stranger, "public"))).toBe(true);
      expect(ctx.canSee(item(stranger, "public", true))).toBe(false);
      expect(ctx.canSee(item(followed, "public", true))).toBe(true);
      expect(ctx.canSee(item(followed, "friends"))).toBe(false);
      expect(ctx.canSee(item(friend, "friends"))).toBe(true);
      expect(ctx.canSee(item(friend, "private"))).toBe(false);
      expect(ctx.canSee(item(viewer, "private"))).toBe(true);
      expect(ctx.canSee(item(blocker, "public"))).toBe(false);
      expect(ctx.canSee(item(blocked, "public"))).toBe(false);
      expect(ctx.filter([item(stranger, "public"), item(blocker, "public"), item(friend, "friends")]).map((i) => i.creatorId)).toEqual([
        stranger.userId,
        friend.userId,
      ]);
      const anonymous = await loadViewerContext(server.flick.platform, undefined);
      expect(anonymous.filter([item(stranger, "public"), item(friend, "friends"), item(followed, "public", true)])).toHaveLength(1);
    });
  });

  describe("deleted accounts", () => {
    it("leave every list and count of the people they were connected to", async () => {
      const [ana, bob, owner] = [await user(), await user(), await user({ private: true })];
      await ana.social.follow({ requestId: rid(), userId: bob.userId });
      await bob.social.follow({ requestId: rid(), userId: ana.userId });
      await bob.social.follow({ requestId: rid(), userId: owner.userId });
      await eventually(async () => expect((await profileOf(ana, ana)).profile).toMatchObject({ followerCount: 1n, followingCount: 1n }));
      await eventually(async () => expect((await owner.social.listFollowRequests({})).requests).toHaveLength(1));

      await bob.accounts.deleteAccount({ requestId: rid(), password: bob.password });
      await eventually(async () => expect((await profileOf(ana, ana)).profile).toMatchObject({ followerCount: 0n, followingCount: 0n }));
      expect((await ana.social.listFollowers({})).followers).toEqual([]);
      expect((await ana.social.listFollowing({})).following).toEqual([]);
      expect((await ana.social.listFriends({})).friends).toEqual([]);
      expect((await owner.social.listFollowRequests({})).requests).toEqual([]);
      expect(await codeOf(ana.social.follow({ requestId: rid(), userId: bob.userId }))).toBe(Code.NotFound);
    });
  });
});
