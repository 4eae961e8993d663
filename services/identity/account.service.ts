// AccountService: thin Connect handlers, proto in, command or query out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { AccountService } from "@flick/contracts/flick/identity/v1/account_service_pb";
import { ValidationError } from "@flick/kernel";
import { peerOf, signedIn } from "./caller.js";
import { deleteAccount } from "./commands/delete-account.command.js";
import { changePassword, requestPasswordReset, resetPassword } from "./commands/password.command.js";
import { setVerified } from "./commands/profile.command.js";
import { register } from "./commands/register.command.js";
import { refreshSession, signOut } from "./commands/sessions.command.js";
import { signIn } from "./commands/sign-in.command.js";
import { changeUsername } from "./commands/username.command.js";
import type { IdentityContext } from "./identity.context.js";
import { getMe } from "./queries/get-me.query.js";
import { isUsernameAvailable } from "./queries/username-availability.query.js";
import { email, phone, type Contact } from "./security/contacts.js";
import { fromState, toSummary } from "./views.js";

function contactOf(c: { case: "email" | "phone"; value: string } | { case: undefined; value?: undefined }): Contact {
  if (c.case === "email") return email(c.value);
  if (c.case === "phone") return phone(c.value);
  throw ValidationError.field("contact", "an email or a phone number is required");
}

export function accountService(ctx: IdentityContext): ServiceImpl<typeof AccountService> {
  return {
    async register(req, c) {
      const r = await register(ctx, {
        requestId: req.requestId,
        contact: contactOf(req.contact),
        password: req.password,
        username: req.username,
        displayName: req.displayName,
        birthDate: req.birthDate,
        peer: peerOf(c),
      });
      return { userId: r.userId, tokens: r.tokens };
    },

    async checkUsernameAvailability(req, c) {
      return { available: await isUsernameAvailable(ctx, req.username, peerOf(c)) };
    },

    async signIn(req, c) {
      const r = await signIn(ctx, { requestId: req.requestId, identifier: req.identifier, password: req.password, deviceName: req.deviceName, peer: peerOf(c) });
      return { userId: r.userId, tokens: r.tokens };
    },

    async refreshSession(req) {
      return { tokens: (await refreshSession(ctx, req.refreshToken, req.requestId)).tokens };
    },

    async signOut(req, c) {
      const caller = signedIn(c);
      ctx.ryw.note(caller.userId, await signOut(ctx, caller, req.requestId, req.allSessions));
      return {};
    },

    async requestPasswordReset(req, c) {
      await requestPasswordReset(ctx, req.requestId, contactOf(req.contact), peerOf(c));
      return {};
    },

    async resetPassword(req, c) {
      await resetPassword(ctx, req.requestId, req.resetToken, req.newPassword, peerOf(c));
      return {};
    },

    async changePassword(req, c) {
      await changePassword(ctx, signedIn(c), req.requestId, req.currentPassword, req.newPassword);
      return {};
    },

    async changeUsername(req, c) {
      const state = await changeUsername(ctx, signedIn(c), req.requestId, req.username);
      return { user: toSummary(fromState(state)) };
    },

    async deleteAccount(req, c) {
      await deleteAccount(ctx, signedIn(c), req.requestId, req.password);
      return {};
    },

    async getMe(_req, c) {
      return { account: await getMe(ctx, signedIn(c).userId) };
    },

    async setVerified(req, c) {
      const state = await setVerified(ctx, signedIn(c), req.requestId, req.userId, req.verified);
      return { user: toSummary(fromState(state)) };
    },
  };
}
