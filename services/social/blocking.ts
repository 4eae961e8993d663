// Blocks as the write side sees them: read from the block streams themselves, so a
// command never acts across a block that a read model has not caught up with yet.
// Later contexts call assertNotBlocked before a comment, a mention, a duet or a stitch.
import type { EventStore } from "@flick/event-store";
import type { Platform } from "../platform/platform.js";
import { fold, NotFoundError, PermissionDeniedError } from "@flick/kernel";
import { blockDecider } from "./commands/block.decider.js";
import { blockCodec, socialStreams } from "./events.js";

async function isBlocked(store: EventStore, blockerId: string, blockedId: string): Promise<boolean> {
  const recorded = await store.readStream(socialStreams.block(blockerId, blockedId));
  const events = recorded.map((r) => blockCodec.decode(r)).filter((e) => e !== undefined);
  return fold(blockDecider, events).blocked;
}

export async function blocksBetween(store: EventStore, actorId: string, targetId: string) {
  const [actorBlocksTarget, targetBlocksActor] = await Promise.all([isBlocked(store, actorId, targetId), isBlocked(store, targetId, actorId)]);
  return { actorBlocksTarget, targetBlocksActor };
}

/**
 * Refuses to let `actorId` act on `targetId` across a block: NOT_FOUND when the target
 * blocked the actor (not revealing more than "no such user"), PERMISSION_DENIED when the
 * actor blocked the target (unblock first).
 */
export async function assertNotBlocked(store: EventStore, actorId: string, targetId: string): Promise<void> {
  if (actorId === targetId) return;
  const b = await blocksBetween(store, actorId, targetId);
  if (b.targetBlocksActor) throw new NotFoundError("user", targetId);
  if (b.actorBlocksTarget) throw new PermissionDeniedError("you have blocked this user: unblock first");
}

/** Told of each block or unblock this process appends, with its checkpoint. */
export type BlockListener = (blockerId: string, blockedId: string, checkpoint: string | undefined) => void;
const listeners = new WeakMap<Platform, Set<BlockListener>>();

/**
 * Caches of blocks read from the read model (a view's check) drop a pair this process has
 * just blocked or unblocked, and wait for the read model to have it before reading again.
 */
export function onBlockWritten(platform: Platform, listener: BlockListener): void {
  let set = listeners.get(platform);
  if (!set) listeners.set(platform, (set = new Set()));
  set.add(listener);
}

export function blockWritten(platform: Platform, blockerId: string, blockedId: string, checkpoint: string | undefined): void {
  for (const listener of listeners.get(platform) ?? []) listener(blockerId, blockedId, checkpoint);
}
