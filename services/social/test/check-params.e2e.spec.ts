// Bad input and security for every SocialGraphService RPC (PeerTube's check-params
// habit): tokens, ids, limits and cursors, oneself, blocks, private accounts, and other
// people's requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachProfile } from "../../test/profiles.js";
import { clients, Code, codeOf, eventually, newUser, rid, type Clients, type TestUser } from "../../identity/test/support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { badTokens } from "../../identity/test/support/tokens.js";

const long = (n: number) => "x".repeat(n);
const BAD_IDS = ["", long(65), "has space", "usr/../x"];

describeEachProfile("social check-params", (c) => {
  let server: IsolatedServer;
  let ana: TestUser;
  let bob: TestUser;
  let anon: Clients;
  let bad: Record<string, string>;

  beforeAll(async () => {
    server = await startIsolatedServer(c, { FLICK_SCRYPT_LOG_N: "12" });
    [ana, bob] = [await newUser(server), await newUser(server)];
    anon = clients(server);
    bad = await badTokens(server, ana.userId);
  });
  afterAll(() => server?.close());

  async function expectTokenRequired(call: (cl: Clients) => Promise<unknown>) {
    expect(await codeOf(call(anon))).toBe(Code.Unauthenticated);
    for (const token of Object.values(bad)) expect(await codeOf(call(clients(server, { token })))).toBe(Code.Unauthenticated);
  }

  /** The commands that name one other user: bad ids and a bad request id are INVALID_ARGUMENT. */
  const commands = {
    follow: (cl: Clients, userId: string, requestId = rid()) => cl.social.follow({ requestId, userId }),
    unfollow: (cl: Clients, userId: string, requestId = rid()) => cl.social.unfollow({ requestId, userId }),
    approveFollowRequest: (cl: Clients, userId: string, requestId = rid()) => cl.social.approveFollowRequest({ requestId, userId }),
    declineFollowRequest: (cl: Clients, userId: string, requestId = rid()) => cl.social.declineFollowRequest({ requestId, userId }),
    cancelFollowRequest: (cl: Clients, userId: string, requestId = rid()) => cl.social.cancelFollowRequest({ requestId, userId }),
    removeFollower: (cl: Clients, userId: string, requestId = rid()) => cl.social.removeFollower({ requestId, userId }),
    block: (cl: Clients, userId: string, requestId = rid()) => cl.social.block({ requestId, userId }),
    unblock: (cl: Clients, userId: string, requestId = rid()) => cl.social.unblock({ requestId, userId }),
  };

  for (const [name, call] of Object.entries(commands)) {
    describe(name, () => {
      it("needs a valid token", () => expectTokenRequired((cl) => call(cl, bob.userId)));
      it("needs a well-formed user id and request id", async () => {
        for (const id of BAD_IDS) expect(await codeOf(call(ana, id)), JSON.stringify(id)).toBe(Code.InvalidArgument);
        for (const requestId of ["", "short", long(65), "no spaces!"]) expect(await codeOf(call(ana, bob.userId, requestId))).toBe(Code.InvalidArgument);
      });
      it("answers NOT_FOUND for a user who does not exist", async () => {
        expect(await codeOf(call(ana, "usr_nobody"))).toBe(Code.NotFound);
      });
    });
  }

  describe("acting on oneself", () => {
    it("refuses to follow or block oneself", async () => {
      expect(await codeOf(ana.social.follow({ requestId: rid(), userId: ana.userId }))).toBe(Code.InvalidArgument);
      expect(await codeOf(ana.social.block({ requestId: rid(), userId: ana.userId }))).toBe(Code.InvalidArgument);
    });
  });

  describe("following twice", () => {
    it("is a no-op, whether retried (same request id) or repeated", async () => {
      const requestId = rid();
      await ana.social.follow({ requestId, userId: bob.userId });
      await ana.social.follow({ requestId, userId: bob.userId });
      await ana.social.follow({ requestId: rid(), userId: bob.userId });
      expect((await ana.social.listFollowing({})).following).toHaveLength(1);
      await eventually(async () => expect((await bob.profiles.getProfile({ user: { case: "userId", value: bob.userId } })).profile?.followerCount).toBe(1n));
      await ana.social.unfollow({ requestId: rid(), userId: bob.userId });
    });
  });

  describe("acting on a blocked user", () => {
    it("refuses follows both ways and hides the lists", async () => {
      const [x, y] = [await newUser(server), await newUser(server)];
      await x.social.block({ requestId: rid(), userId: y.userId });
      expect(await codeOf(y.social.follow({ requestId: rid(), userId: x.userId }))).toBe(Code.NotFound);
      expect(await codeOf(x.social.follow({ requestId: rid(), userId: y.userId }))).toBe(Code.PermissionDenied);
      await eventually(async () => expect(await codeOf(y.social.listFollowers({ userId: x.userId }))).toBe(Code.NotFound));
      expect(await codeOf(y.social.listFollowing({ userId: x.userId }))).toBe(Code.NotFound);
      expect(await codeOf(x.social.listFollowers({ userId: y.userId }))).toBe(Code.PermissionDenied);
      expect(await codeOf(y.profiles.getProfile({ user: { case: "username", value: x.username } }))).toBe(Code.NotFound);
    });
  });

  describe("someone else's resource", () => {
    it("cannot approve or decline a request made to someone else", async () => {
      const [owner, fan, other] = [await newUser(server, { private: true }), await newUser(server), await newUser(server)];
      await fan.social.follow({ requestId: rid(), userId: owner.userId });
      expect(await codeOf(other.social.approveFollowRequest({ requestId: rid(), userId: fan.userId }))).toBe(Code.NotFound);
      expect(await codeOf(other.social.declineFollowRequest({ requestId: rid(), userId: fan.userId }))).toBe(Code.NotFound);
      expect(names((await fan.social.listSentFollowRequests({})).requests)).toEqual([owner.username]);
      // Removing someone else's follower only touches the caller's own edge (none).
      await other.social.removeFollower({ requestId: rid(), userId: fan.userId });
      expect(names((await fan.social.listSentFollowRequests({})).requests)).toEqual([owner.username]);
    });
  });

  const names = (list: { user?: { username: string } }[]) => list.map((x) => x.user?.username);

  describe("lists", () => {
    const lists = {
      listFollowers: (cl: Clients, req: { userId?: string; limit?: number; cursor?: string }) => cl.social.listFollowers(req),
      listFollowing: (cl: Clients, req: { userId?: string; limit?: number; cursor?: string }) => cl.social.listFollowing(req),
    };
    for (const [name, list] of Object.entries(lists)) {
      it(`${name}: checks the user, the limit and the cursor`, async () => {
        expect(await codeOf(list(anon, {}))).toBe(Code.Unauthenticated);
        expect(await codeOf(list(anon, { userId: "usr_nobody" }))).toBe(Code.NotFound);
        expect(await codeOf(list(anon, { userId: "bad id!" }))).toBe(Code.InvalidArgument);
        expect(await codeOf(list(anon, { userId: ana.userId, limit: 101 }))).toBe(Code.InvalidArgument);
        expect(await codeOf(list(anon, { userId: ana.userId, limit: -1 }))).toBe(Code.InvalidArgument);
        expect(await codeOf(list(anon, { userId: ana.userId, cursor: long(513) }))).toBe(Code.InvalidArgument);
        expect(await codeOf(list(anon, { userId: ana.userId, cursor: "garbage" }))).toBe(Code.InvalidArgument);
        for (const token of Object.values(bad)) expect(await codeOf(list(clients(server, { token }), { userId: ana.userId }))).toBe(Code.Unauthenticated);
      });
    }

    it("refuses a cursor from another user's list", async () => {
      const star = await newUser(server);
      for (let i = 0; i < 3; i++) await (await newUser(server)).social.follow({ requestId: rid(), userId: star.userId });
      const page = await eventually(async () => {
        const p = await anon.social.listFollowers({ userId: star.userId, limit: 1 });
        expect(p.nextCursor).not.toBe("");
        return p;
      });
      expect(await codeOf(anon.social.listFollowers({ userId: bob.userId, cursor: page.nextCursor }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.social.listFollowing({ userId: star.userId, cursor: page.nextCursor }))).toBe(Code.InvalidArgument);
    });

    it("keeps a private account's lists from strangers", async () => {
      const owner = await newUser(server, { private: true });
      await eventually(async () => expect(await codeOf(bob.social.listFollowers({ userId: owner.userId }))).toBe(Code.PermissionDenied));
      expect(await codeOf(anon.social.listFollowing({ userId: owner.userId }))).toBe(Code.PermissionDenied);
      expect(await codeOf(owner.social.listFollowers({}))).toBe("ok");
    });

    for (const [name, call] of Object.entries({
      listFriends: (cl: Clients, req: { limit?: number; cursor?: string }) => cl.social.listFriends(req),
      listFollowRequests: (cl: Clients, req: { limit?: number; cursor?: string }) => cl.social.listFollowRequests(req),
      listSentFollowRequests: (cl: Clients, req: { limit?: number; cursor?: string }) => cl.social.listSentFollowRequests(req),
      listBlockedUsers: (cl: Clients, req: { limit?: number; cursor?: string }) => cl.social.listBlockedUsers(req),
    })) {
      it(`${name}: needs a valid token, a limit of 0–100 and a cursor of its own`, async () => {
        await expectTokenRequired((cl) => call(cl, {}));
        expect(await codeOf(call(ana, { limit: 101 }))).toBe(Code.InvalidArgument);
        expect(await codeOf(call(ana, { cursor: long(513) }))).toBe(Code.InvalidArgument);
        expect(await codeOf(call(ana, { cursor: "garbage" }))).toBe(Code.InvalidArgument);
        expect(await codeOf(call(ana, { limit: 0 }))).toBe("ok");
      });
    }
  });
});
