// Follow, unfollow and follow requests: each acts on one edge stream through the one
// command handler. Existence, privacy and blocks are read from the write side (the
// account and block streams), so no read-model lag can let a follow cross a block.
import { FollowStatus } from "@flick/contracts/flick/social/v1/social_pb";
import { UnfollowReason } from "@flick/contracts/flick/events/v1/social_pb";
import { handleCommand, NotFoundError, RateLimitedError, UnauthenticatedError, ValidationError } from "@flick/kernel";
import type { Caller } from "@flick/server";
import { loadAccount, requireAccount } from "../../identity/accounts.js";
import { assertNotBlocked, blocksBetween } from "../blocking.js";
import { followCodec, socialStreams } from "../events.js";
import { countKeys, socialCounters } from "../projections/social-counts.projection.js";
import { FOLLOWING_LIMIT, FOLLOWS_PER_HOUR, type SocialContext } from "../social.context.js";
import { followDecider, type Edge, type FollowCommand } from "./follow.decider.js";

export async function onEdge(ctx: SocialContext, command: FollowCommand, requestId: string, actor: string) {
  const result = await handleCommand(ctx.events, {
    stream: socialStreams.follow(command.followerId, command.followeeId),
    decider: followDecider,
    command,
    requestId,
    metadata: { actor },
    codec: followCodec,
  });
  ctx.ryw.note(actor, result.checkpoint);
  return result;
}

export async function follow(ctx: SocialContext, caller: Caller, requestId: string, targetId: string): Promise<FollowStatus> {
  const me = caller.userId;
  if (me === targetId) throw ValidationError.field("user_id", "you cannot follow yourself");
  await ctx.limiter.hit("1h", `follow:${ctx.digester.digestText("user", me)}`, FOLLOWS_PER_HOUR);
  const [mine, target] = await Promise.all([loadAccount(ctx.events, me), loadAccount(ctx.events, targetId)]);
  if (mine.status !== "active") throw new UnauthenticatedError("your account no longer exists");
  if (target.status !== "active") throw new NotFoundError("user", targetId);
  await assertNotBlocked(ctx.events, me, targetId);
  const counts = await ctx.models.counts.store();
  if ((await counts.counters(socialCounters).get(countKeys.following(me))) >= FOLLOWING_LIMIT) {
    throw new RateLimitedError(undefined, `you follow ${FOLLOWING_LIMIT} accounts, the most allowed`);
  }
  const edge: Edge = { followerId: me, followeeId: targetId };
  const result = await onEdge(ctx, { type: "Follow", ...edge, followeePrivate: target.privateAccount, at: ctx.now() }, requestId, me);
  // A block written between our check and our append wins: undo the edge (the block's
  // own severing may have read the graph before this edge existed).
  const after = await blocksBetween(ctx.events, me, targetId);
  if (after.actorBlocksTarget || after.targetBlocksActor) {
    await onEdge(ctx, { type: "Sever", cause: "blocked", ...edge, at: ctx.now() }, `${requestId}/blocked`, me);
    await assertNotBlocked(ctx.events, me, targetId);
  }
  return result.state.status === "following" ? FollowStatus.FOLLOWING : FollowStatus.REQUESTED;
}

export async function unfollow(ctx: SocialContext, caller: Caller, requestId: string, targetId: string): Promise<void> {
  await requireAccount(ctx.events, targetId);
  await onEdge(ctx, { type: "Unfollow", reason: UnfollowReason.UNFOLLOWED, followerId: caller.userId, followeeId: targetId, at: ctx.now() }, requestId, caller.userId);
}

export async function removeFollower(ctx: SocialContext, caller: Caller, requestId: string, followerId: string): Promise<void> {
  await requireAccount(ctx.events, followerId);
  await onEdge(
    ctx,
    { type: "Unfollow", reason: UnfollowReason.REMOVED_BY_FOLLOWEE, followerId, followeeId: caller.userId, at: ctx.now() },
    requestId,
    caller.userId,
  );
}

export async function approveFollowRequest(ctx: SocialContext, caller: Caller, requestId: string, requesterId: string): Promise<void> {
  await onEdge(ctx, { type: "Approve", byGoingPublic: false, followerId: requesterId, followeeId: caller.userId, at: ctx.now() }, requestId, caller.userId);
}

export async function declineFollowRequest(ctx: SocialContext, caller: Caller, requestId: string, requesterId: string): Promise<void> {
  await onEdge(ctx, { type: "Decline", followerId: requesterId, followeeId: caller.userId, at: ctx.now() }, requestId, caller.userId);
}

export async function cancelFollowRequest(ctx: SocialContext, caller: Caller, requestId: string, targetId: string): Promise<void> {
  await requireAccount(ctx.events, targetId);
  await onEdge(ctx, { type: "Cancel", followerId: caller.userId, followeeId: targetId, at: ctx.now() }, requestId, caller.userId);
}
