// SignIn: rate-limited per client address (every attempt) and per identifier (failed
// attempts), both in a 15-minute sliding window. The identifier resolves on the write
// side (the reservation streams), so an account can sign in the moment it exists. An
// unknown identifier costs the same scrypt time as a wrong password and answers the same.
import { UnauthenticatedError } from "@flick/kernel";
import { loadAccount, unseal } from "../accounts.js";
import type { IdentityContext } from "../identity.context.js";
import { classifyIdentifier } from "../security/contacts.js";
import { contactHolder, usernameHolder } from "./reservations.js";
import { startSession, type SessionOutcome } from "./sessions.command.js";

export interface SignInInput {
  requestId: string;
  identifier: string;
  password: string;
  deviceName: string;
  peer: string;
}

export async function signIn(ctx: IdentityContext, input: SignInInput): Promise<{ userId: string } & SessionOutcome> {
  const { config, limiter, digester } = ctx;
  await limiter.hit("15m", `signin-address:${digester.digestText("address", input.peer)}`, config.FLICK_SIGNIN_LIMIT_PER_ADDRESS);
  const identifierKey = `signin-identifier:${digester.digestText("identifier", input.identifier)}`;
  await limiter.check("15m", identifierKey, config.FLICK_SIGNIN_LIMIT_PER_ACCOUNT);

  const what = classifyIdentifier(input.identifier);
  const holder =
    "username" in what
      ? /^[A-Za-z0-9._]{2,24}$/.test(what.username)
        ? await usernameHolder(ctx.events, what.username)
        : undefined
      : await contactHolder(ctx.events, digester.digest(what.contact));
  const account = holder?.userId ? await loadAccount(ctx.events, holder.userId) : undefined;
  const stored = account?.status === "active" ? await unseal(ctx.platform.vault, account.passwordHash) : undefined;
  const ok = stored ? await ctx.hasher.verify(input.password, stored) : (await ctx.hasher.waste(input.password), false);
  if (!ok || !account) {
    await limiter.record("15m", identifierKey);
    throw new UnauthenticatedError("wrong identifier or password");
  }
  const session = await startSession(ctx, account, input.requestId, input.deviceName);
  ctx.ryw.note(account.userId, session.checkpoint);
  return { userId: account.userId, ...session };
}
