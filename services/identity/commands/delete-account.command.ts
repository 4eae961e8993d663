// DeleteAccount, for good: after the password is confirmed, AccountDeleted is appended;
// then the contact is released, the sessions revoked, the graph's edges and requests
// severed, and last the user's data key destroyed (crypto-shredding: every sealed email,
// phone, password hash and birth date in the log becomes unreadable). The username stays
// reserved for FLICK_USERNAME_GRACE_SECONDS (released by the sweeper). Projections
// withdraw the profile, lookups, sessions and blocks on AccountDeleted.
// Every step is idempotent: a retry with the same request id resumes where a crash
// stopped (the key goes last, because the contact's digest needs the plain value).
import { ContactKind, SessionRevocationReason } from "@flick/contracts/flick/events/v1/identity_pb";
import { handleCommand, NotFoundError, release } from "@flick/kernel";
import type { Caller } from "@flick/server";
import { severAllEdges } from "../../social/commands/edges.command.js";
import { readAccount, unseal } from "../accounts.js";
import { accountCodec, streams } from "../events.js";
import type { IdentityContext } from "../identity.context.js";
import { email, phone } from "../security/contacts.js";
import { accountDecider } from "./account.decider.js";
import { confirmPassword } from "./password.command.js";
import { contactKind } from "./reservations.js";
import { listSessions, revokeSessions } from "./sessions.command.js";
import { releaseUsername } from "./username.command.js";

export async function deleteAccount(ctx: IdentityContext, caller: Caller, requestId: string, password: string): Promise<void> {
  const userId = caller.userId;
  const { state, handled } = await readAccount(ctx.events, userId);
  const retry = handled(requestId);
  if (state.status !== "active" && !retry) throw new NotFoundError("user", userId);
  if (!retry) await confirmPassword(ctx, userId, password, await unseal(ctx.platform.vault, state.passwordHash));

  // Read what later steps need while it is still readable.
  const plainEmail = await unseal(ctx.platform.vault, state.email);
  const plainPhone = await unseal(ctx.platform.vault, state.phone);
  const contact = plainEmail ? email(plainEmail) : plainPhone ? phone(plainPhone) : undefined;
  const sessions = await listSessions(ctx, userId);
  const keyId = state.passwordHash?.field.keyId ?? "";

  const result = await handleCommand(ctx.events, {
    stream: streams.account(userId),
    decider: accountDecider,
    command: { type: "Delete", keyId, at: ctx.now() },
    requestId,
    metadata: { actor: userId },
    codec: accountCodec,
  });
  const at = ctx.now();
  if (contact) {
    const digest = ctx.digester.digest(contact);
    const kind = contactKind(contact.kind === ContactKind.PHONE ? ContactKind.PHONE : ContactKind.EMAIL, Buffer.from(digest, "hex"));
    await release(ctx.events, { kind, stream: streams.contact(digest), owner: userId, requestId, at, metadata: { actor: userId } });
  }
  await revokeSessions(ctx, sessions, SessionRevocationReason.ACCOUNT_DELETED, requestId, userId);
  await severAllEdges(ctx.platform, userId, requestId);
  if (ctx.config.FLICK_USERNAME_GRACE_SECONDS === 0 && result.state.username) await releaseUsername(ctx, userId, result.state.username);
  await ctx.platform.vault.forget(userId);
  ctx.ryw.note(userId, result.checkpoint);
}
