// NotificationService: thin handlers over the inbox's queries, its one command and the
// live stream.
import type { ServiceImpl } from "@connectrpc/connect";
import { NotificationService } from "@flick/contracts/flick/notification/v1/notification_service_pb";
import { shutdownKey } from "@flick/server";
import { signedIn } from "../identity/caller.js";
import { markRead } from "./commands/mark-read.command.js";
import { streamInbox } from "./live/inbox-stream.js";
import type { NotificationContext } from "./notification.context.js";
import { inboxState, listNotifications, unreadCount } from "./queries/inbox.query.js";

export function notificationService(ctx: NotificationContext): ServiceImpl<typeof NotificationService> {
  return {
    async listNotifications(req, call) {
      return listNotifications(ctx, signedIn(call).userId, { kinds: req.kinds, limit: req.limit, cursor: req.cursor, request: call });
    },
    async getUnreadCount(req, call) {
      const userId = signedIn(call).userId;
      const store = await ctx.inbox.store();
      const state = await inboxState(store, userId);
      return { unreadCount: BigInt(await unreadCount(store, userId, state, req.kinds)), latestUpdateId: state.latestUpdateId };
    },
    async markNotificationsRead(req, call) {
      return markRead(ctx, signedIn(call).userId, req.requestId, {
        upToUpdateId: req.upToUpdateId,
        notificationIds: req.notificationIds,
        all: req.all,
      });
    },
    async *streamNotifications(req, call) {
      const userId = signedIn(call).userId;
      const signal = AbortSignal.any([call.signal, call.values.get(shutdownKey)]);
      yield* streamInbox(ctx, userId, req.afterId, signal, call);
    },
  };
}
