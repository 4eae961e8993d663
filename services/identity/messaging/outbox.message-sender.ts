// The local outbox: where messages go when no real transport is configured. The newest
// messages stay in memory (tests and the embedded profile read them from the module),
// and with a data directory each is also written to <dir>/outbox/<time>-<channel>.json
// (mode 0600: it holds live reset codes; it is a development aid, not a delivery).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MessageSender, OutgoingMessage } from "./message-sender.js";

export interface Outbox extends MessageSender {
  /** The newest messages, oldest first (at most 1,000 are kept). */
  messages(): (OutgoingMessage & { sentAt: Date })[];
}

export function createOutbox(options: { dir?: string } = {}): Outbox {
  const kept: (OutgoingMessage & { sentAt: Date })[] = [];
  let seq = 0;
  return {
    async send(message) {
      const sentAt = new Date();
      kept.push({ ...message, sentAt });
      if (kept.length > 1000) kept.shift();
      if (options.dir) {
        const dir = join(options.dir, "outbox");
        await mkdir(dir, { recursive: true });
        const name = `${sentAt.toISOString().replace(/[:.]/g, "-")}-${++seq}-${message.channel}.json`;
        await writeFile(join(dir, name), JSON.stringify({ ...message, sentAt }, null, 2), { mode: 0o600 });
      }
    },
    messages: () => [...kept],
  };
}
