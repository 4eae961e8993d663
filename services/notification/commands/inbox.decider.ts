// The one write the notification context owns: read marks on the user's inbox (stream
// inbox-<user_id>). "Mark all" arrives here already resolved to the latest update id the
// user could have seen, so a replay marks exactly that. Marking up to an update id at or
// below the current watermark decides nothing.
import { NotificationsReadSchema, type NotificationsRead } from "@flick/contracts/flick/events/v1/notification_pb";
import type { Decider } from "@flick/kernel";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";

export interface InboxState {
  readUpTo: string;
}

export interface MarkReadCommand {
  type: "MarkRead";
  userId: string;
  upToUpdateId: string;
  notificationIds: string[];
  all: boolean;
  at: Date;
}

export const inboxDecider: Decider<MarkReadCommand, InboxState, NotificationsRead> = {
  initialState: () => ({ readUpTo: "" }),
  evolve: (s, e) => ({ readUpTo: e.upToUpdateId > s.readUpTo ? e.upToUpdateId : s.readUpTo }),
  decide(c, s) {
    const ids = [...new Set(c.notificationIds)];
    if (ids.length === 0 && (!c.upToUpdateId || c.upToUpdateId <= s.readUpTo)) return [];
    return [
      create(NotificationsReadSchema, {
        userId: c.userId,
        upToUpdateId: ids.length > 0 ? "" : c.upToUpdateId,
        notificationIds: ids,
        all: c.all,
        occurredAt: timestampFromDate(c.at),
      }),
    ];
  },
};
