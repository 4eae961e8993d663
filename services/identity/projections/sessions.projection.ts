// Each user's live sessions (tables role), so "sign out everywhere", a password change
// and account deletion can revoke them all. The session streams stay the truth: a
// session missing here (projection lag) is still refused at refresh time when the
// account was deleted or its password reset.
import type { Projection } from "@flick/projection-runner";
import { defineTable, type ReadStore } from "@flick/read-store";
import { identityCodec, toDate } from "../events.js";

export const userSessionsTable = defineTable({
  name: "user_sessions",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [{ name: "session_id", type: "text" }],
  columns: [{ name: "started_at", type: "timestamp" }],
});

export function sessionsProjection(): Projection<ReadStore> {
  return {
    name: "sessions",
    version: 1,
    filter: { categories: ["session", "account"] },
    setup: (store) => store.ensure(userSessionsTable),
    async handle(events, store) {
      const sessions = store.table(userSessionsTable);
      for (const recorded of events) {
        const e = identityCodec.decode(recorded);
        if (!e) continue;
        if (e.$typeName === "flick.events.v1.SessionStarted") {
          await sessions.upsert({ user_id: e.userId, session_id: e.sessionId, started_at: toDate(e.occurredAt) });
        } else if (e.$typeName === "flick.events.v1.SessionRevoked") {
          await sessions.delete({ user_id: e.userId, session_id: e.sessionId });
        } else if (e.$typeName === "flick.events.v1.AccountDeleted") {
          await sessions.deletePartition({ user_id: e.userId });
        }
      }
    },
  };
}
