// MarkNotificationsRead: resolve "all" to the latest update id the inbox has, append
// NotificationsRead, and answer with the unread count once the inbox has applied it.
import { FailedPreconditionError, handleCommand } from "@flick/kernel";
import type { NotificationContext } from "../notification.context.js";
import { inboxStream, readCodec } from "../events.js";
import { inboxState, unreadCount } from "../queries/inbox.query.js";
import { checkUpdateId, updateIdOf } from "../update-ids.js";
import { inboxDecider } from "./inbox.decider.js";

export const MARK_READ_WAIT_MS = 3_000;

export async function markRead(ctx: NotificationContext, userId: string, requestId: string, input: { upToUpdateId: string; notificationIds: string[]; all: boolean }) {
  const store = await ctx.inbox.store();
  let upTo = input.upToUpdateId ? checkUpdateId(input.upToUpdateId, "up_to_update_id") : "";
  if (input.all) upTo = (await inboxState(store, userId)).latestUpdateId;
  const result = await handleCommand(ctx.events, {
    stream: inboxStream(userId),
    decider: inboxDecider,
    command: { type: "MarkRead", userId, upToUpdateId: upTo, notificationIds: input.notificationIds, all: input.all, at: ctx.now() },
    requestId,
    metadata: { actor: userId },
    codec: readCodec,
  });
  let updateId = "";
  if (result.checkpoint) {
    updateId = updateIdOf(result.checkpoint, 0);
    if (!(await ctx.inbox.waitFor(result.checkpoint, MARK_READ_WAIT_MS))) {
      throw new FailedPreconditionError("the inbox is catching up; retry with the same request id", "INBOX_LAGGING");
    }
  }
  const state = await inboxState(store, userId);
  if (!updateId) updateId = state.latestUpdateId;
  return { unreadCount: BigInt(await unreadCount(store, userId, state)), updateId };
}

