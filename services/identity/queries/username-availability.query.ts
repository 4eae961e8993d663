// CheckUsernameAvailability: the username's reservation stream is the truth (no lag).
// Advisory only: Register may still find the name taken a moment later.
import type { IdentityContext } from "../identity.context.js";
import { usernameHolder } from "../commands/reservations.js";
import { usernameProblem } from "../usernames.js";

/** A sign-up form asks as the user types: allow ten times the sign-up rate. */
const CHECKS_PER_SIGNUP = 10;

export async function isUsernameAvailable(ctx: IdentityContext, username: string, peer: string): Promise<boolean> {
  const limit = ctx.config.FLICK_SIGNUP_LIMIT_PER_ADDRESS * CHECKS_PER_SIGNUP;
  await ctx.limiter.hit("1h", `username-check:${ctx.digester.digestText("address", peer)}`, limit);
  if (usernameProblem(username)) return false;
  return (await usernameHolder(ctx.events, username)).userId === undefined;
}
