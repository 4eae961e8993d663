// Usernames: change one's own (claim the new, write the change, release the old), and
// release the usernames of deleted accounts once their grace period is over.
import { handleCommand, NotFoundError, release, withReservations } from "@flick/kernel";
import type { Caller } from "@flick/server";
import { readAccount } from "../accounts.js";
import { accountCodec, streams } from "../events.js";
import type { IdentityContext } from "../identity.context.js";
import { RELEASE_SHARDS, usernameReleasesTable } from "../projections/profiles.projection.js";
import { checkUsername } from "../usernames.js";
import { accountDecider, type AccountState } from "./account.decider.js";
import { usernameKind } from "./reservations.js";

export async function changeUsername(ctx: IdentityContext, caller: Caller, requestId: string, username: string): Promise<AccountState> {
  checkUsername(username);
  const userId = caller.userId;
  const { state, handled } = await readAccount(ctx.events, userId);
  if (state.status !== "active") throw new NotFoundError("user", userId);
  if (handled(requestId) || username === state.username) return state;
  const at = ctx.now();
  const old = state.username;
  // Only a different name needs a claim ("alice" → "Alice" keeps the same reservation).
  const sameName = old.toLowerCase() === username.toLowerCase();
  const claims = sameName
    ? []
    : [{ kind: usernameKind(username), stream: streams.username(username), owner: userId, requestId, at, metadata: { actor: userId } }];
  const result = await withReservations(ctx.events, claims, () =>
    handleCommand(ctx.events, {
      stream: streams.account(userId),
      decider: accountDecider,
      command: { type: "ChangeUsername", username, cooldownMs: ctx.config.FLICK_USERNAME_CHANGE_COOLDOWN_SECONDS * 1000, at },
      requestId,
      metadata: { actor: userId },
      codec: accountCodec,
    }),
  );
  if (!sameName) {
    await release(ctx.events, { kind: usernameKind(old), stream: streams.username(old), owner: userId, requestId, at, metadata: { actor: userId } });
  }
  ctx.ryw.note(userId, result.checkpoint);
  return result.state;
}

/** Gives up a deleted account's username (idempotent: a no-op once someone else holds it). */
export async function releaseUsername(ctx: IdentityContext, userId: string, username: string): Promise<void> {
  await release(ctx.events, {
    kind: usernameKind(username),
    stream: streams.username(username),
    owner: userId,
    requestId: `release-${userId}`,
    at: ctx.now(),
    metadata: { actor: "system:username-release" },
  });
}

/** Releases every username whose grace period is over; returns how many. */
export async function releaseDueUsernames(ctx: IdentityContext): Promise<number> {
  const store = await ctx.models.profiles.store();
  const table = store.table(usernameReleasesTable);
  const due = ctx.now().getTime() - ctx.config.FLICK_USERNAME_GRACE_SECONDS * 1000;
  let released = 0;
  for (let shard = 0; shard < RELEASE_SHARDS; shard++) {
    let cursor: string | undefined;
    do {
      const page = await table.scan({ shard: String(shard) }, { limit: 500, cursor });
      for (const row of page.rows) {
        if (!row.deleted_at || row.deleted_at.getTime() > due || !row.username) continue;
        await releaseUsername(ctx, row.user_id, row.username);
        released++;
      }
      cursor = page.cursor;
    } while (cursor);
  }
  return released;
}

/** Runs releaseDueUsernames every `intervalMs` until stopped. */
export function startUsernameReleases(ctx: IdentityContext): { stop(): Promise<void> } {
  const grace = ctx.config.FLICK_USERNAME_GRACE_SECONDS * 1000;
  const intervalMs = Math.min(60_000, Math.max(250, grace / 4));
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => releaseDueUsernames(ctx)).catch((err) => console.error("username releases:", err));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
