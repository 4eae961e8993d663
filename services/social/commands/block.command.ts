// Block and unblock. A block is written on its own stream first; then both follow edges
// between the two users (and pending requests) are severed on theirs, so the graph, the
// requests and the counts all follow. From then on commands refuse to cross the block
// (blocking.ts) and every read path hides each side from the other (visibility.ts).
import { handleCommand, ValidationError } from "@flick/kernel";
import type { Caller } from "@flick/server";
import { requireAccount } from "../../identity/accounts.js";
import { blockWritten } from "../blocking.js";
import { blockCodec, socialStreams } from "../events.js";
import type { SocialContext } from "../social.context.js";
import { blockDecider, type BlockCommand } from "./block.decider.js";
import { onEdge } from "./follow.command.js";

async function onBlock(ctx: SocialContext, command: BlockCommand, requestId: string) {
  const result = await handleCommand(ctx.events, {
    stream: socialStreams.block(command.blockerId, command.blockedId),
    decider: blockDecider,
    command,
    requestId,
    metadata: { actor: command.blockerId },
    codec: blockCodec,
  });
  ctx.ryw.note(command.blockerId, result.checkpoint);
  blockWritten(ctx.platform, command.blockerId, command.blockedId, result.checkpoint);
  return result;
}

export async function block(ctx: SocialContext, caller: Caller, requestId: string, targetId: string): Promise<void> {
  const me = caller.userId;
  if (me === targetId) throw ValidationError.field("user_id", "you cannot block yourself");
  await requireAccount(ctx.events, targetId);
  await onBlock(ctx, { type: "Block", blockerId: me, blockedId: targetId, at: ctx.now() }, requestId);
  // Resumed on a retry too: severing an edge that is already gone changes nothing.
  const at = ctx.now();
  await onEdge(ctx, { type: "Sever", cause: "blocked", followerId: me, followeeId: targetId, at }, `${requestId}/sever`, me);
  await onEdge(ctx, { type: "Sever", cause: "blocked", followerId: targetId, followeeId: me, at }, `${requestId}/sever`, me);
}

export async function unblock(ctx: SocialContext, caller: Caller, requestId: string, targetId: string): Promise<void> {
  await requireAccount(ctx.events, targetId);
  await onBlock(ctx, { type: "Unblock", blockerId: caller.userId, blockedId: targetId, at: ctx.now() }, requestId);
}
