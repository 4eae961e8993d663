// Passwords: change (confirming the current one), request a reset, reset with the token.
// Reset tokens are single use (PasswordChanged spends every outstanding reset), expire
// (FLICK_PASSWORD_RESET_TTL_SECONDS), are stored only as hashes, and reach the user
// through the message sender port. Requests for unknown contacts succeed silently.
import { ContactKind, SessionRevocationReason } from "@flick/contracts/flick/events/v1/identity_pb";
import { handleCommand, NotFoundError, PermissionDeniedError, UnauthenticatedError } from "@flick/kernel";
import type { Caller } from "@flick/server";
import { readAccount, unseal } from "../accounts.js";
import { accountCodec, streams, toEncryptedField } from "../events.js";
import type { IdentityContext } from "../identity.context.js";
import type { Contact } from "../security/contacts.js";
import { resetTokens } from "../security/secrets.js";
import { accountDecider, sealingContext, type AccountCommand } from "./account.decider.js";
import { contactHolder } from "./reservations.js";
import { listSessions, revokeSessions, sessionOf } from "./sessions.command.js";

/** Per contact, at most this many reset messages an hour (on top of the per-address limit). */
const RESETS_PER_CONTACT_PER_HOUR = 5;

async function sealNewPassword(ctx: IdentityContext, userId: string, password: string) {
  const hash = await ctx.hasher.hash(password);
  return toEncryptedField(await ctx.platform.vault.encrypt(userId, hash, sealingContext.newPassword(userId)));
}

const decide = (ctx: IdentityContext, userId: string, command: AccountCommand, requestId: string) =>
  handleCommand(ctx.events, {
    stream: streams.account(userId),
    decider: accountDecider,
    command,
    requestId,
    metadata: { actor: userId },
    codec: accountCodec,
  });

/** Checks a signed-in user's password (rate-limited per account); PERMISSION_DENIED when wrong. */
export async function confirmPassword(ctx: IdentityContext, userId: string, password: string, stored: string | undefined): Promise<void> {
  const key = `confirm:${ctx.digester.digestText("user", userId)}`;
  await ctx.limiter.check("15m", key, ctx.config.FLICK_SIGNIN_LIMIT_PER_ACCOUNT);
  if (!stored || !(await ctx.hasher.verify(password, stored))) {
    await ctx.limiter.record("15m", key);
    throw new PermissionDeniedError("the password is wrong");
  }
}

export async function changePassword(ctx: IdentityContext, caller: Caller, requestId: string, current: string, next: string): Promise<void> {
  const { state, handled } = await readAccount(ctx.events, caller.userId);
  if (handled(requestId)) return; // a retry: done already
  if (state.status !== "active") throw new NotFoundError("user", caller.userId);
  await confirmPassword(ctx, caller.userId, current, await unseal(ctx.platform.vault, state.passwordHash));
  const result = await decide(ctx, caller.userId, { type: "ChangePassword", passwordHash: await sealNewPassword(ctx, caller.userId, next), at: ctx.now() }, requestId);
  ctx.ryw.note(caller.userId, result.checkpoint);
  // The other sessions end; the caller's own continues.
  const keep = await sessionOf(ctx, caller);
  const sessions = await listSessions(ctx, caller.userId);
  await revokeSessions(ctx, sessions, SessionRevocationReason.PASSWORD_CHANGED, requestId, caller.userId, keep);
}

export async function requestPasswordReset(ctx: IdentityContext, requestId: string, contact: Contact, peer: string): Promise<void> {
  const { config, digester, limiter } = ctx;
  await limiter.hit("1h", `reset-address:${digester.digestText("address", peer)}`, config.FLICK_SIGNUP_LIMIT_PER_ADDRESS);
  const digest = digester.digest(contact);
  await limiter.hit("1h", `reset-contact:${digest.slice(0, 32)}`, RESETS_PER_CONTACT_PER_HOUR);
  const holder = await contactHolder(ctx.events, digest);
  if (!holder.userId) return;
  const { state, handled } = await readAccount(ctx.events, holder.userId);
  if (state.status !== "active" || handled(requestId)) return;
  const token = resetTokens.issue(state.userId);
  const at = ctx.now();
  const expiresAt = new Date(at.getTime() + config.FLICK_PASSWORD_RESET_TTL_SECONDS * 1000);
  await decide(ctx, state.userId, { type: "RequestPasswordReset", resetId: token.tokenId, tokenHash: token.hash, expiresAt, channel: contact.kind, at }, requestId);
  const base = config.FLICK_PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const minutes = Math.round(config.FLICK_PASSWORD_RESET_TTL_SECONDS / 60);
  const text =
    contact.kind === ContactKind.PHONE
      ? `Your Flick password reset code: ${token.token} (valid ${minutes} min)`
      : `Someone asked to reset the password of your Flick account @${state.username}.\n\n` +
        `Reset it here within ${minutes} minutes: ${base}/reset-password?token=${encodeURIComponent(token.token)}\n` +
        `or enter this code in the app: ${token.token}\n\nIf it was not you, ignore this message.`;
  try {
    await ctx.sender.send({ channel: contact.kind === ContactKind.PHONE ? "sms" : "email", to: contact.value, subject: "Reset your Flick password", text });
  } catch (err) {
    // Answering with an error would tell the caller the account exists; the user asks again.
    console.error("password reset: the message could not be sent:", err instanceof Error ? err.message : err);
  }
}

export async function resetPassword(ctx: IdentityContext, requestId: string, token: string, newPassword: string, peer: string): Promise<void> {
  await ctx.limiter.hit("1h", `reset-address:${ctx.digester.digestText("address", peer)}`, ctx.config.FLICK_SIGNUP_LIMIT_PER_ADDRESS);
  const parsed = resetTokens.parse(token);
  const userId = parsed.owner;
  const { state, handled } = await readAccount(ctx.events, userId);
  if (handled(requestId)) return;
  if (state.status !== "active") throw new UnauthenticatedError("the reset token is unknown, expired or already used");
  // Refuse a bad token before spending a password hash on it.
  if (!state.resets[parsed.tokenId]) throw new UnauthenticatedError("the reset token is unknown, expired or already used");
  const passwordHash = await sealNewPassword(ctx, userId, newPassword);
  const result = await decide(ctx, userId, { type: "ResetPassword", resetId: parsed.tokenId, tokenHash: parsed.hash, passwordHash, at: ctx.now() }, requestId);
  ctx.ryw.note(userId, result.checkpoint);
  await revokeSessions(ctx, await listSessions(ctx, userId), SessionRevocationReason.PASSWORD_RESET, requestId, userId);
}
