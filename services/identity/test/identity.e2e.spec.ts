// Accounts, sessions, profiles, password reset and deletion through the real server, on
// every profile (embedded; PostgreSQL + Redis; PostgreSQL + Cassandra + Redis).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachProfile, unique } from "../../test/profiles.js";
import { identityModule, clients, Code, codeOf, eventually, lastResetToken, newUser, randomAddress, rid } from "./support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { accountCodec, fromEncryptedField, streams } from "../events.js";
import { profilesTable, usernamesTable } from "../projections/profiles.projection.js";

const adminName = unique("adm_");
const GRACE_SECONDS = 4;
const PER_ADDRESS = 30;
const jwtPayload = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

describeEachProfile("identity", (c) => {
  let server: IsolatedServer;
  beforeAll(async () => {
    server = await startIsolatedServer(c, {
      FLICK_ADMINS: adminName,
      FLICK_USERNAME_GRACE_SECONDS: String(GRACE_SECONDS),
      FLICK_SIGNIN_LIMIT_PER_ADDRESS: String(PER_ADDRESS),
    });
  });
  afterAll(() => server?.close());

  describe("registration", () => {
    it("registers with an email and signs in by username (any case) or email (any case)", async () => {
      const username = unique("Ana_");
      const anon = clients(server);
      const reg = await anon.accounts.register({ requestId: rid(), contact: { case: "email", value: `${username}@Example.COM` }, password: "s3cret-pass", username });
      expect(reg.userId).toMatch(/^usr_/);
      expect(reg.tokens?.accessToken).toBeTruthy();
      for (const identifier of [username.toUpperCase(), `${username.toLowerCase()}@example.com`]) {
        const res = await anon.accounts.signIn({ requestId: rid(), identifier, password: "s3cret-pass" });
        expect(res.userId).toBe(reg.userId);
      }
      const me = await clients(server, { token: reg.tokens!.accessToken }).accounts.getMe({});
      expect(me.account?.email).toBe(`${username.toLowerCase()}@example.com`);
      expect(me.account?.profile?.username).toBe(username);
    });

    it("registers with a phone number and signs in with it", async () => {
      const phone = `+1415${String(Date.now()).slice(-7)}`;
      const anon = clients(server);
      const reg = await anon.accounts.register({ requestId: rid(), contact: { case: "phone", value: phone }, password: "s3cret-pass", username: unique("p_"), birthDate: "2000-02-29" });
      const res = await anon.accounts.signIn({ requestId: rid(), identifier: phone, password: "s3cret-pass" });
      expect(res.userId).toBe(reg.userId);
      const me = await clients(server, { token: res.tokens!.accessToken }).accounts.getMe({});
      expect(me.account).toMatchObject({ phone, email: "", birthDate: "2000-02-29" });
    });

    it("keeps usernames unique regardless of case, and emails unique", async () => {
      const ana = await newUser(server);
      const anon = clients(server);
      const again = (username: string, email: string) =>
        codeOf(anon.accounts.register({ requestId: rid(), contact: { case: "email", value: email }, password: "s3cret-pass", username }));
      expect(await again(ana.username.toUpperCase(), `${unique()}@example.com`)).toBe(Code.AlreadyExists);
      expect(await again(unique("x_"), ana.email.toUpperCase())).toBe(Code.AlreadyExists);
      // The failed attempt released the username it had claimed: the name is still free.
      const name = unique("free_");
      expect(await again(name, ana.email)).toBe(Code.AlreadyExists);
      expect((await anon.accounts.checkUsernameAvailability({ username: name })).available).toBe(true);
    });

    it("lets exactly one of many concurrent registrations of a username win", async () => {
      const username = unique("race_");
      const attempts = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          codeOf(
            clients(server).accounts.register({ requestId: rid(), contact: { case: "email", value: `race${i}_${username}@example.com` }, password: "s3cret-pass", username }),
          ),
        ),
      );
      expect(attempts.filter((a) => a === "ok")).toHaveLength(1);
      expect(attempts.filter((a) => a === Code.AlreadyExists)).toHaveLength(7);
    });

    it("refuses reserved usernames and says so when asked", async () => {
      const anon = clients(server);
      for (const username of ["admin", "Flick", "SUPPORT"]) {
        expect(await codeOf(anon.accounts.register({ requestId: rid(), contact: { case: "email", value: `${unique()}@example.com` }, password: "s3cret-pass", username }))).toBe(
          Code.InvalidArgument,
        );
        expect((await anon.accounts.checkUsernameAvailability({ username })).available).toBe(false);
      }
    });

    it("answers a retried Register with the same account and a working session, for the same password only", async () => {
      const requestId = rid();
      const username = unique("retry_");
      const req = { requestId, contact: { case: "email" as const, value: `${username}@example.com` }, password: "s3cret-pass", username };
      const anon = clients(server);
      const first = await anon.accounts.register(req);
      const second = await anon.accounts.register(req);
      expect(second.userId).toBe(first.userId);
      expect(second.tokens?.sessionId).toBe(first.tokens?.sessionId);
      expect(second.tokens?.refreshToken).not.toBe(first.tokens?.refreshToken);
      await anon.accounts.refreshSession({ requestId: rid(), refreshToken: second.tokens!.refreshToken });
      expect(await codeOf(anon.accounts.register({ ...req, password: "another-password" }))).toBe(Code.AlreadyExists);
    });

    it("refuses users younger than the minimum age", async () => {
      const young = new Date(Date.now() - 5 * 365 * 86_400_000).toISOString().slice(0, 10);
      const code = await codeOf(
        clients(server).accounts.register({ requestId: rid(), contact: { case: "email", value: `${unique()}@example.com` }, password: "s3cret-pass", username: unique("y_"), birthDate: young }),
      );
      expect(code).toBe(Code.InvalidArgument);
    });

    it("never writes the email, phone or password in plain form to the log", async () => {
      const user = await newUser(server, { password: "plain-text-password" });
      const events = server.flick.platform.events;
      const texts: string[] = [];
      for (const stream of [streams.account(user.userId), streams.username(user.username), streams.session(user.tokens.sessionId)]) {
        for (const e of await events.readStream(stream)) texts.push(Buffer.from(e.data).toString("latin1"));
      }
      const log = texts.join("\n");
      expect(log).toContain(user.username);
      expect(log).not.toContain(user.email);
      expect(log).not.toContain("plain-text-password");
    });
  });

  describe("sessions", () => {
    it("answers a wrong password and an unknown identifier alike", async () => {
      const user = await newUser(server);
      const anon = clients(server);
      const wrong = await anon.accounts.signIn({ requestId: rid(), identifier: user.username, password: "wrong-password" }).catch((e) => e);
      const unknown = await anon.accounts.signIn({ requestId: rid(), identifier: unique("nobody_"), password: "wrong-password" }).catch((e) => e);
      expect(wrong.code).toBe(Code.Unauthenticated);
      expect(unknown.code).toBe(Code.Unauthenticated);
      expect(wrong.rawMessage).toBe(unknown.rawMessage);
    });

    it("hands out a short-lived access token with the admin role for FLICK_ADMINS only", async () => {
      const user = await newUser(server);
      const admin = await newUser(server, { username: adminName });
      expect(jwtPayload(user.tokens.accessToken)).toMatchObject({ sub: user.userId, role: "user" });
      expect(jwtPayload(admin.tokens.accessToken)).toMatchObject({ sub: admin.userId, role: "admin" });
      const exp = jwtPayload(user.tokens.accessToken).exp as number;
      expect(exp * 1000 - Date.now()).toBeLessThanOrEqual(900_000 + 5_000);
      expect((await admin.accounts.getMe({})).account?.admin).toBe(true);
    });

    it("rotates refresh tokens, and a reused one revokes the whole family", async () => {
      const user = await newUser(server);
      const anon = clients(server);
      const first = user.tokens.refreshToken;
      const second = (await anon.accounts.refreshSession({ requestId: rid(), refreshToken: first })).tokens!;
      expect(second.sessionId).toBe(user.tokens.sessionId);
      const third = (await anon.accounts.refreshSession({ requestId: rid(), refreshToken: second.refreshToken })).tokens!;
      // The thief replays the first token: the session ends for everyone.
      expect(await codeOf(anon.accounts.refreshSession({ requestId: rid(), refreshToken: first }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anon.accounts.refreshSession({ requestId: rid(), refreshToken: third.refreshToken }))).toBe(Code.Unauthenticated);
    });

    it("gives a retried RefreshSession (same request id) a working pair instead of tripping reuse detection", async () => {
      const user = await newUser(server);
      const anon = clients(server);
      const requestId = rid();
      await anon.accounts.refreshSession({ requestId, refreshToken: user.tokens.refreshToken });
      const retried = (await anon.accounts.refreshSession({ requestId, refreshToken: user.tokens.refreshToken })).tokens!;
      expect((await anon.accounts.refreshSession({ requestId: rid(), refreshToken: retried.refreshToken })).tokens?.sessionId).toBe(user.tokens.sessionId);
    });

    it("signs out of this session, or of all of them", async () => {
      const user = await newUser(server);
      const anon = clients(server);
      const other = await anon.accounts.signIn({ requestId: rid(), identifier: user.username, password: user.password });
      const third = await anon.accounts.signIn({ requestId: rid(), identifier: user.username, password: user.password });
      await clients(server, { token: other.tokens!.accessToken }).accounts.signOut({ requestId: rid() });
      expect(await codeOf(anon.accounts.refreshSession({ requestId: rid(), refreshToken: other.tokens!.refreshToken }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anon.accounts.refreshSession({ requestId: rid(), refreshToken: third.tokens!.refreshToken }))).toBe("ok");
      await user.accounts.signOut({ requestId: rid(), allSessions: true });
      expect(await codeOf(anon.accounts.refreshSession({ requestId: rid(), refreshToken: user.tokens.refreshToken }))).toBe(Code.Unauthenticated);
    });

    it("changes the password: other sessions end, the current one continues", async () => {
      const user = await newUser(server);
      const anon = clients(server);
      const other = await anon.accounts.signIn({ requestId: rid(), identifier: user.username, password: user.password });
      await user.accounts.changePassword({ requestId: rid(), currentPassword: user.password, newPassword: "changed-password" });
      expect(await codeOf(anon.accounts.refreshSession({ requestId: rid(), refreshToken: other.tokens!.refreshToken }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anon.accounts.refreshSession({ requestId: rid(), refreshToken: user.tokens.refreshToken }))).toBe("ok");
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: user.username, password: user.password }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: user.username, password: "changed-password" }))).toBe("ok");
    });

    it("limits failed sign-ins per account, even from many addresses", async () => {
      const user = await newUser(server);
      for (let i = 0; i < 10; i++) {
        expect(await codeOf(clients(server).accounts.signIn({ requestId: rid(), identifier: user.username, password: "wrong-password" }))).toBe(Code.Unauthenticated);
      }
      // Locked: even the right password is refused for a while.
      expect(await codeOf(clients(server).accounts.signIn({ requestId: rid(), identifier: user.username, password: user.password }))).toBe(Code.ResourceExhausted);
    });

    it("limits sign-in attempts per client address", async () => {
      const address = randomAddress();
      const anon = clients(server, { address });
      const codes: (Code | "ok")[] = [];
      for (let i = 0; i <= PER_ADDRESS; i++) codes.push(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: unique("nobody_"), password: "x" })));
      expect(codes.slice(0, PER_ADDRESS).every((code) => code === Code.Unauthenticated)).toBe(true);
      expect(codes[PER_ADDRESS]).toBe(Code.ResourceExhausted);
      // Another client is not affected.
      expect(await codeOf(clients(server).accounts.signIn({ requestId: rid(), identifier: unique("nobody_"), password: "x" }))).toBe(Code.Unauthenticated);
    });
  });

  describe("profiles", () => {
    it("shows a profile by id or by username (any case) to anyone", async () => {
      const user = await newUser(server);
      const anon = clients(server);
      const byName = await eventually(() => anon.profiles.getProfile({ user: { case: "username", value: user.username.toUpperCase() } }));
      expect(byName.profile).toMatchObject({ userId: user.userId, username: user.username, displayName: user.username, followerCount: 0n, contentVisible: true });
      const byId = await anon.profiles.getProfile({ user: { case: "userId", value: user.userId } });
      expect(byId.profile?.username).toBe(user.username);
    });

    it("shows the owner's update at once (read-your-writes)", async () => {
      const user = await newUser(server);
      const res = await user.profiles.updateProfile({ requestId: rid(), displayName: "Ana B.", bio: "hello", avatarUrl: "https://cdn.example.com/a.png" });
      expect(res.profile).toMatchObject({ displayName: "Ana B.", bio: "hello" });
      const read = await user.profiles.getProfile({ user: { case: "userId", value: user.userId } });
      expect(read.profile).toMatchObject({ displayName: "Ana B.", bio: "hello", avatarUrl: "https://cdn.example.com/a.png", contentVisible: true });
      const cleared = await user.profiles.updateProfile({ requestId: rid(), displayName: "" });
      expect(cleared.profile?.displayName).toBe(user.username);
    });

    it("lists several profiles in request order, leaving out unknown ones", async () => {
      const [a, b] = [await newUser(server), await newUser(server)];
      const res = await eventually(async () => {
        const r = await clients(server).profiles.getProfiles({ userIds: [b.userId, "usr_nobody", a.userId] });
        expect(r.profiles).toHaveLength(2);
        return r;
      });
      expect(res.profiles.map((p) => p.userId)).toEqual([b.userId, a.userId]);
    });

    it("lets only admins grant the verified badge", async () => {
      const user = await newUser(server);
      const admin = await newUser(server, { username: unique("adm2_") }).catch(() => undefined);
      expect(await codeOf(user.accounts.setVerified({ requestId: rid(), userId: user.userId, verified: true }))).toBe(Code.PermissionDenied);
      const realAdmin = await clients(server).accounts.signIn({ requestId: rid(), identifier: adminName, password: "correct horse battery" }).catch(() => undefined);
      const adminClients = realAdmin ? clients(server, { token: realAdmin.tokens!.accessToken }) : undefined;
      expect(admin).toBeDefined();
      if (!adminClients) throw new Error("the admin account was not registered by an earlier test");
      const res = await adminClients.accounts.setVerified({ requestId: rid(), userId: user.userId, verified: true });
      expect(res.user?.verified).toBe(true);
      await eventually(async () => expect((await user.profiles.getProfile({ user: { case: "userId", value: user.userId } })).profile?.verified).toBe(true));
    });

    it("changes the username: the new one resolves, the old one is free, not again too soon", async () => {
      const user = await newUser(server);
      const renamed = unique("renamed_");
      const res = await user.accounts.changeUsername({ requestId: rid(), username: renamed });
      expect(res.user?.username).toBe(renamed);
      expect((await user.profiles.getProfile({ user: { case: "username", value: renamed } })).profile?.userId).toBe(user.userId);
      expect((await clients(server).accounts.checkUsernameAvailability({ username: user.username })).available).toBe(true);
      expect(await codeOf(user.accounts.changeUsername({ requestId: rid(), username: unique("again_") }))).toBe(Code.FailedPrecondition);
      expect(await codeOf(clients(server).accounts.signIn({ requestId: rid(), identifier: renamed, password: user.password }))).toBe("ok");
    });
  });

  describe("password reset", () => {
    it("sends a single-use token through the outbox that sets a new password and ends every session", async () => {
      const user = await newUser(server);
      const anon = clients(server);
      await anon.accounts.requestPasswordReset({ requestId: rid(), contact: { case: "email", value: user.email.toUpperCase() } });
      const token = lastResetToken(server, user.email);
      expect(token).toBeDefined();
      await anon.accounts.resetPassword({ requestId: rid(), resetToken: token!, newPassword: "brand-new-password" });
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: user.username, password: user.password }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: user.username, password: "brand-new-password" }))).toBe("ok");
      expect(await codeOf(anon.accounts.resetPassword({ requestId: rid(), resetToken: token!, newPassword: "yet-another-one" }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anon.accounts.refreshSession({ requestId: rid(), refreshToken: user.tokens.refreshToken }))).toBe(Code.Unauthenticated);
    });

    it("sends the code to a phone number as a text message (to the outbox: no SMS gateway yet)", async () => {
      const phone = `+1650${String(Date.now()).slice(-7)}`;
      const anon = clients(server);
      await anon.accounts.register({ requestId: rid(), contact: { case: "phone", value: phone }, password: "s3cret-pass", username: unique("sms_") });
      await anon.accounts.requestPasswordReset({ requestId: rid(), contact: { case: "phone", value: phone } });
      const sms = identityModule(server).outbox.messages().filter((m) => m.to === phone);
      expect(sms.map((m) => m.channel)).toEqual(["sms"]);
      await anon.accounts.resetPassword({ requestId: rid(), resetToken: lastResetToken(server, phone)!, newPassword: "texted-new-password" });
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: phone, password: "texted-new-password" }))).toBe("ok");
    });

    it("does not tell whether an account uses a contact", async () => {
      const before = identityModule(server).outbox.messages().length;
      const nobody = `${unique()}@example.com`;
      await clients(server).accounts.requestPasswordReset({ requestId: rid(), contact: { case: "email", value: nobody } });
      expect(identityModule(server).outbox.messages().filter((m) => m.to === nobody)).toHaveLength(0);
      expect(identityModule(server).outbox.messages().length).toBe(before);
    });

    it("refuses forged reset tokens", async () => {
      const user = await newUser(server);
      const forged = `pr1.${user.userId}.AAAAAAAAAAAAAAAA.${"A".repeat(43)}`;
      expect(await codeOf(clients(server).accounts.resetPassword({ requestId: rid(), resetToken: forged, newPassword: "whatever-123" }))).toBe(Code.Unauthenticated);
    });
  });

  describe("deleting an account", () => {
    it("needs the password", async () => {
      const user = await newUser(server);
      expect(await codeOf(user.accounts.deleteAccount({ requestId: rid(), password: "wrong-password" }))).toBe(Code.PermissionDenied);
    });

    it("removes the account for good: profile, sign-in, sessions; the email is free, the username after the grace period", async () => {
      const user = await newUser(server);
      const anon = clients(server);
      await user.accounts.deleteAccount({ requestId: rid(), password: user.password });
      expect(await codeOf(user.accounts.getMe({}))).toBe(Code.NotFound);
      await eventually(async () => expect(await codeOf(anon.profiles.getProfile({ user: { case: "userId", value: user.userId } }))).toBe(Code.NotFound));
      expect(await codeOf(anon.profiles.getProfile({ user: { case: "username", value: user.username } }))).toBe(Code.NotFound);
      expect(await codeOf(anon.accounts.signIn({ requestId: rid(), identifier: user.email, password: user.password }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anon.accounts.refreshSession({ requestId: rid(), refreshToken: user.tokens.refreshToken }))).toBe(Code.Unauthenticated);
      // The email can be used again at once; the username only after the grace period.
      // A fresh client per attempt: the retries must not run into the per-address sign-up limit.
      const register = (username: string) =>
        clients(server).accounts.register({ requestId: rid(), contact: { case: "email", value: user.email }, password: "s3cret-pass", username });
      expect(await codeOf(register(user.username))).toBe(Code.AlreadyExists);
      await eventually(() => register(user.username), GRACE_SECONDS * 1000 + 15_000);
    });

    it("crypto-shreds the personal data: unreadable in the log and in a rebuilt read model", async () => {
      const user = await newUser(server);
      const { platform } = server.flick;
      const registered = (await platform.events.readStream(streams.account(user.userId))).map((r) => accountCodec.decode(r))[0]!;
      if (registered.$typeName !== "flick.events.v1.AccountRegistered") throw new Error("expected AccountRegistered first");
      const context = `flick.events.v1.AccountRegistered/email/${user.userId}`;
      expect(await platform.vault.decrypt(fromEncryptedField(registered.email!), context)).toBe(user.email);

      await user.accounts.deleteAccount({ requestId: rid(), password: user.password });
      // The event is still in the log, but its sealed values can no longer be opened.
      const after = (await platform.events.readStream(streams.account(user.userId))).map((r) => accountCodec.decode(r));
      const sealedEmail = after[0]!.$typeName === "flick.events.v1.AccountRegistered" ? after[0]!.email! : undefined;
      expect(await platform.vault.decrypt(fromEncryptedField(sealedEmail!), context)).toBeUndefined();
      expect(after.at(-1)?.$typeName).toBe("flick.events.v1.AccountDeleted");

      // A read model rebuilt from the whole log holds nothing of the user.
      const profiles = identityModule(server).context.models.profiles;
      const report = await profiles.rebuild();
      expect(report.promoted).toBe(true);
      const store = await profiles.store();
      expect(await store.table(profilesTable).get({ user_id: user.userId })).toBeUndefined();
      expect(await store.table(usernamesTable).get({ username_lower: user.username.toLowerCase() })).toBeUndefined();
      expect(await codeOf(clients(server).profiles.getProfile({ user: { case: "userId", value: user.userId } }))).toBe(Code.NotFound);
    });
  });
});
