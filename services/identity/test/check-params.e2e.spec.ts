// Bad input and security, RPC by RPC, for AccountService and ProfileService (PeerTube's
// check-params habit): missing and oversized fields, malformed values, bad and foreign
// tokens, someone else's resource.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachProfile, unique } from "../../test/profiles.js";
import { clients, Code, codeOf, newUser, rid, type Clients, type TestUser } from "./support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { badTokens } from "./support/tokens.js";

const long = (n: number) => "x".repeat(n);

describeEachProfile("identity check-params", (c) => {
  let server: IsolatedServer;
  let ana: TestUser;
  let bob: TestUser;
  let anon: Clients;
  let bad: Record<"expired" | "forged" | "garbage", string>;
  const withToken = (token: string) => clients(server, { token });
  const register = (over: Record<string, unknown> = {}) =>
    codeOf(
      anon.accounts.register({
        requestId: rid(),
        contact: { case: "email", value: `${unique()}@example.com` },
        password: "s3cret-pass",
        username: unique("cp_"),
        ...over,
      } as never),
    );

  beforeAll(async () => {
    server = await startIsolatedServer(c, { FLICK_SCRYPT_LOG_N: "12" });
    [ana, bob] = [await newUser(server), await newUser(server)];
    anon = clients(server);
    bad = await badTokens(server, ana.userId);
  });
  afterAll(() => server?.close());

  /** Every signed-in RPC refuses a missing, expired, forged or malformed token. */
  async function expectTokenRequired(call: (cl: Clients) => Promise<unknown>) {
    expect(await codeOf(call(anon))).toBe(Code.Unauthenticated);
    for (const token of Object.values(bad)) expect(await codeOf(call(withToken(token)))).toBe(Code.Unauthenticated);
  }

  describe("Register", () => {
    it("needs a well-formed request id", async () => {
      expect(await register({ requestId: "" })).toBe(Code.InvalidArgument);
      expect(await register({ requestId: "short" })).toBe(Code.InvalidArgument);
      expect(await register({ requestId: "bad id with spaces" })).toBe(Code.InvalidArgument);
      expect(await register({ requestId: long(65) })).toBe(Code.InvalidArgument);
    });
    it("needs exactly one valid contact", async () => {
      expect(await register({ contact: { case: undefined } })).toBe(Code.InvalidArgument);
      expect(await register({ contact: { case: "email", value: "not-an-email" } })).toBe(Code.InvalidArgument);
      expect(await register({ contact: { case: "email", value: `${long(250)}@example.com` } })).toBe(Code.InvalidArgument);
      expect(await register({ contact: { case: "phone", value: "4155550123" } })).toBe(Code.InvalidArgument);
      expect(await register({ contact: { case: "phone", value: "+0123456789" } })).toBe(Code.InvalidArgument);
    });
    it("needs a password of 8–128 characters", async () => {
      expect(await register({ password: "" })).toBe(Code.InvalidArgument);
      expect(await register({ password: "short" })).toBe(Code.InvalidArgument);
      expect(await register({ password: long(129) })).toBe(Code.InvalidArgument);
    });
    it("needs a valid username", async () => {
      for (const username of ["", "a", long(25), "has space", "émile", "dash-name", "...", "trailing."]) {
        expect(await register({ username }), username).toBe(Code.InvalidArgument);
      }
    });
    it("limits the display name and checks the birth date", async () => {
      expect(await register({ displayName: long(51) })).toBe(Code.InvalidArgument);
      for (const birthDate of ["2000-13-01", "2000-02-30", "01-01-2000", "3000-01-01"]) {
        expect(await register({ birthDate }), birthDate).toBe(Code.InvalidArgument);
      }
    });
    it("refuses a taken username or email", async () => {
      expect(await register({ username: ana.username.toUpperCase() })).toBe(Code.AlreadyExists);
      expect(await register({ contact: { case: "email", value: ana.email } })).toBe(Code.AlreadyExists);
    });
    it("limits sign-ups per client address", async () => {
      const one = clients(server, { address: "203.0.113.7" });
      const codes: (Code | "ok")[] = [];
      for (let i = 0; i < 21; i++) {
        codes.push(await codeOf(one.accounts.register({ requestId: rid(), contact: { case: "email", value: `${unique()}@example.com` }, password: "s3cret-pass", username: "admin" })));
      }
      expect(codes.slice(0, 20).every((x) => x === Code.InvalidArgument)).toBe(true);
      expect(codes[20]).toBe(Code.ResourceExhausted);
    });
  });

  describe("CheckUsernameAvailability", () => {
    it("refuses malformed names and tells taken from free", async () => {
      expect(await codeOf(anon.accounts.checkUsernameAvailability({ username: "" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.accounts.checkUsernameAvailability({ username: long(25) }))).toBe(Code.InvalidArgument);
      expect((await anon.accounts.checkUsernameAvailability({ username: ana.username.toUpperCase() })).available).toBe(false);
      expect((await anon.accounts.checkUsernameAvailability({ username: unique("free_") })).available).toBe(true);
    });
  });

  describe("SignIn", () => {
    it("needs an identifier and a password within limits", async () => {
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: "", password: "x" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: long(255), password: "x" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: ana.username, password: "" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: ana.username, password: long(129) }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: ana.username, password: ana.password, deviceName: long(65) }))).toBe(Code.InvalidArgument);
    });
    it("refuses a wrong password", async () => {
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: ana.username, password: "wrong-password" }))).toBe(Code.Unauthenticated);
    });
  });

  describe("RefreshSession", () => {
    it("refuses missing, oversized, malformed and forged refresh tokens", async () => {
      const [, sessionId, tokenId] = ana.tokens.refreshToken.split(".");
      for (const refreshToken of ["", long(513), "garbage", `rt1.${sessionId}.${tokenId}.${"A".repeat(43)}`, `rt1.ses_nope.AAAAAAAAAAAAAAAA.${"A".repeat(43)}`]) {
        const expected = refreshToken === "" || refreshToken.length > 512 ? Code.InvalidArgument : Code.Unauthenticated;
        expect(await codeOf(anon.accounts.refreshSession({ requestId: rid(), refreshToken })), refreshToken.slice(0, 20)).toBe(expected);
      }
      // A forged secret does not revoke the real session.
      expect(await codeOf(anon.accounts.refreshSession({ requestId: rid(), refreshToken: ana.tokens.refreshToken }))).toBe("ok");
    });
  });

  describe("SignOut", () => {
    it("needs a valid token", () => expectTokenRequired((cl) => cl.accounts.signOut({ requestId: rid() })));
    it("refuses a token that belongs to no session", async () => {
      const minted = await server.token(ana.userId);
      expect(await codeOf(withToken(minted).accounts.signOut({ requestId: rid() }))).toBe(Code.Unauthenticated);
    });
  });

  describe("RequestPasswordReset / ResetPassword", () => {
    it("needs a valid contact", async () => {
      expect(await codeOf(anon.accounts.requestPasswordReset({ requestId: rid(), contact: { case: undefined } }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.accounts.requestPasswordReset({ requestId: rid(), contact: { case: "email", value: "nope" } }))).toBe(Code.InvalidArgument);
    });
    it("needs a token and a valid new password", async () => {
      expect(await codeOf(anon.accounts.resetPassword({ requestId: rid(), resetToken: "", newPassword: "long-enough" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.accounts.resetPassword({ requestId: rid(), resetToken: long(513), newPassword: "long-enough" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.accounts.resetPassword({ requestId: rid(), resetToken: "pr1.x.y.z", newPassword: "short" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.accounts.resetPassword({ requestId: rid(), resetToken: "pr1.x.y.z", newPassword: "long-enough" }))).toBe(Code.Unauthenticated);
    });
  });

  describe("ChangePassword", () => {
    it("needs a valid token", () => expectTokenRequired((cl) => cl.accounts.changePassword({ requestId: rid(), currentPassword: "a", newPassword: "long-enough" })));
    it("refuses an unchanged or short new password, and a wrong current one", async () => {
      expect(await codeOf(ana.accounts.changePassword({ requestId: rid(), currentPassword: ana.password, newPassword: ana.password }))).toBe(Code.InvalidArgument);
      expect(await codeOf(ana.accounts.changePassword({ requestId: rid(), currentPassword: ana.password, newPassword: "short" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(ana.accounts.changePassword({ requestId: rid(), currentPassword: "wrong-password", newPassword: "long-enough" }))).toBe(Code.PermissionDenied);
    });
  });

  describe("ChangeUsername", () => {
    it("needs a valid token", () => expectTokenRequired((cl) => cl.accounts.changeUsername({ requestId: rid(), username: unique("n_") })));
    it("refuses malformed, reserved and taken names", async () => {
      expect(await codeOf(ana.accounts.changeUsername({ requestId: rid(), username: "a" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(ana.accounts.changeUsername({ requestId: rid(), username: "Support" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(ana.accounts.changeUsername({ requestId: rid(), username: bob.username.toUpperCase() }))).toBe(Code.AlreadyExists);
    });
  });

  describe("DeleteAccount", () => {
    it("needs a valid token and the right password", async () => {
      await expectTokenRequired((cl) => cl.accounts.deleteAccount({ requestId: rid(), password: "x" }));
      expect(await codeOf(ana.accounts.deleteAccount({ requestId: rid(), password: "" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(ana.accounts.deleteAccount({ requestId: rid(), password: "wrong-password" }))).toBe(Code.PermissionDenied);
    });
    it("cannot delete someone else's account: the token names the account", async () => {
      const carol = await newUser(server, { password: "carols-own-password" });
      // Bob's token with Carol's password deletes nothing.
      expect(await codeOf(bob.accounts.deleteAccount({ requestId: rid(), password: carol.password }))).toBe(Code.PermissionDenied);
      expect(await codeOf(carol.accounts.getMe({}))).toBe("ok");
    });
  });

  describe("GetMe", () => {
    it("needs a valid token; an account that does not exist is NOT_FOUND", async () => {
      await expectTokenRequired((cl) => cl.accounts.getMe({}));
      expect(await codeOf(withToken(await server.token("usr_ghost")).accounts.getMe({}))).toBe(Code.NotFound);
    });
  });

  describe("SetVerified", () => {
    it("is for admins only", async () => {
      await expectTokenRequired((cl) => cl.accounts.setVerified({ requestId: rid(), userId: ana.userId, verified: true }));
      expect(await codeOf(ana.accounts.setVerified({ requestId: rid(), userId: ana.userId, verified: true }))).toBe(Code.PermissionDenied);
    });
    it("checks the user id", async () => {
      const admin = withToken(await server.token("usr_admin", "admin"));
      expect(await codeOf(admin.accounts.setVerified({ requestId: rid(), userId: "", verified: true }))).toBe(Code.InvalidArgument);
      expect(await codeOf(admin.accounts.setVerified({ requestId: rid(), userId: "bad id!", verified: true }))).toBe(Code.InvalidArgument);
      expect(await codeOf(admin.accounts.setVerified({ requestId: rid(), userId: "usr_nobody", verified: true }))).toBe(Code.NotFound);
    });
  });

  describe("GetProfile / GetProfiles", () => {
    it("needs exactly one well-formed key", async () => {
      expect(await codeOf(anon.profiles.getProfile({ user: { case: undefined } }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.profiles.getProfile({ user: { case: "username", value: "bad name" } }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.profiles.getProfile({ user: { case: "userId", value: long(65) } }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.profiles.getProfile({ user: { case: "userId", value: "usr_nobody" } }))).toBe(Code.NotFound);
    });
    it("takes 1–100 distinct ids", async () => {
      expect(await codeOf(anon.profiles.getProfiles({ userIds: [] }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.profiles.getProfiles({ userIds: Array.from({ length: 101 }, (_, i) => `usr_${i}`) }))).toBe(Code.InvalidArgument);
      expect(await codeOf(anon.profiles.getProfiles({ userIds: ["usr_a", "usr_a"] }))).toBe(Code.InvalidArgument);
    });
    it("rejects a bad token even where anonymous calls are allowed", async () => {
      for (const token of Object.values(bad)) {
        expect(await codeOf(withToken(token).profiles.getProfile({ user: { case: "userId", value: ana.userId } }))).toBe(Code.Unauthenticated);
      }
    });
  });

  describe("UpdateProfile", () => {
    it("needs a valid token", () => expectTokenRequired((cl) => cl.profiles.updateProfile({ requestId: rid(), bio: "x" })));
    it("needs at least one field, within limits", async () => {
      expect(await codeOf(ana.profiles.updateProfile({ requestId: rid() }))).toBe(Code.InvalidArgument);
      expect(await codeOf(ana.profiles.updateProfile({ requestId: rid(), bio: long(161) }))).toBe(Code.InvalidArgument);
      expect(await codeOf(ana.profiles.updateProfile({ requestId: rid(), bio: long(160) }))).toBe("ok");
      expect(await codeOf(ana.profiles.updateProfile({ requestId: rid(), displayName: long(51) }))).toBe(Code.InvalidArgument);
      expect(await codeOf(ana.profiles.updateProfile({ requestId: rid(), avatarUrl: "not a url" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(ana.profiles.updateProfile({ requestId: rid(), avatarUrl: "ftp://example.com/a.png" }))).toBe(Code.InvalidArgument);
      expect(await codeOf(ana.profiles.updateProfile({ requestId: rid(), profileVideoId: "bad id!" }))).toBe(Code.InvalidArgument);
    });
    it("refuses a profile video that is not one of the caller's ready videos", async () => {
      expect(await codeOf(ana.profiles.updateProfile({ requestId: rid(), profileVideoId: "vid_someone_elses" }))).toBe(Code.FailedPrecondition);
    });
    it("only ever edits the caller's own profile", async () => {
      await bob.profiles.updateProfile({ requestId: rid(), bio: "bob's words" });
      const before = (await bob.profiles.getProfile({ user: { case: "userId", value: bob.userId } })).profile?.bio;
      await ana.profiles.updateProfile({ requestId: rid(), bio: "ana's words" });
      expect(before).toBe("bob's words");
      expect((await bob.profiles.getProfile({ user: { case: "userId", value: bob.userId } })).profile?.bio).toBe("bob's words");
    });
  });
});
