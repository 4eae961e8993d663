// Mail over SMTP with nodemailer (the de-facto Node mailer, maintained since 2010).
import nodemailer from "nodemailer";
import type { MessageSender } from "./message-sender.js";

export function createSmtpSender(options: { url: string; from: string }): MessageSender {
  const transport = nodemailer.createTransport(options.url);
  return {
    async send(message) {
      await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}
