// How password reset codes reach people: a port with two adapters. The local outbox
// (embedded profile, and any profile without SMTP) keeps messages in memory and, when
// the data dir is a real directory, writes each as a JSON file under <data dir>/outbox;
// SMTP (nodemailer) sends mail when FLICK_SMTP_URL is set. There is no SMS gateway yet:
// text messages go to the outbox.
import type { Config } from "@flick/server";
import { createOutbox, type Outbox } from "./outbox.message-sender.js";
import { createSmtpSender } from "./smtp.message-sender.js";

export interface OutgoingMessage {
  channel: "email" | "sms";
  /** An email address or an E.164 phone number. */
  to: string;
  subject: string;
  text: string;
}

export interface MessageSender {
  send(message: OutgoingMessage): Promise<void>;
}

export function createMessageSender(config: Config): { sender: MessageSender; outbox: Outbox } {
  const dir = config.FLICK_DATA_DIR === "memory://" ? undefined : config.FLICK_DATA_DIR;
  const outbox = createOutbox({ dir });
  if (!config.FLICK_SMTP_URL) return { sender: outbox, outbox };
  const smtp = createSmtpSender({ url: config.FLICK_SMTP_URL, from: config.FLICK_MAIL_FROM });
  return {
    outbox,
    sender: { send: (m) => (m.channel === "email" ? smtp.send(m) : outbox.send(m)) },
  };
}
