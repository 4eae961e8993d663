// Pub/sub on the PostgreSQL family: NOTIFY to publish, LISTEN to subscribe. A publish made
// through a transaction (a projection's batch) is delivered only if and when it commits.

import type { SqlQueryable } from "@flick/kernel";
import type { PubSub } from "../../ports/pubsub.port.js";
import { checkChannel, openSubscription } from "../../internal/subscription.js";
import type { NotificationSource } from "./postgres.notifications.js";

/** NOTIFY payloads must be shorter than 8000 bytes; channels are identifiers (63 bytes). */
const MAX_PAYLOAD_BYTES = 7999;
const MAX_CHANNEL_BYTES = 63;

function checkPgChannel(channel: string): void {
  checkChannel(channel);
  if (Buffer.byteLength(channel) > MAX_CHANNEL_BYTES) throw new RangeError(`pub/sub channel longer than ${MAX_CHANNEL_BYTES} bytes: ${channel}`);
}

export function postgresPubSub(sql: SqlQueryable, notifications: NotificationSource | undefined): PubSub {
  return {
    async publish(channel, message) {
      checkPgChannel(channel);
      if (Buffer.byteLength(message) > MAX_PAYLOAD_BYTES) {
        throw new RangeError(`pub/sub message over ${MAX_PAYLOAD_BYTES} bytes on PostgreSQL: publish an id and keep the data in a read model`);
      }
      await sql.query("SELECT pg_notify($1, $2)", [channel, message]);
    },
    async subscribe(channel, options = {}) {
      checkPgChannel(channel);
      if (!notifications) throw new Error("this PostgreSQL read store was created without a notification source: it can publish, not subscribe");
      return openSubscription(channel, options, (deliver) => notifications.listen(channel, deliver));
    },
  };
}
