// With FLICK_SMTP_URL set, password reset mail leaves over SMTP (nodemailer) instead of
// the local outbox. A minimal SMTP server on a loopback port stands in for the relay; the
// mail transport does not depend on the storage profile, so this runs on embedded only.
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unique } from "../../test/profiles.js";
import { clients, Code, codeOf, identityModule, newUser, rid } from "./support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";

interface Mail {
  from: string;
  to: string[];
  data: string;
}

/** Just enough SMTP for one client: EHLO, MAIL, RCPT, DATA, QUIT. */
function fakeSmtp(): Promise<{ server: Server; port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = createServer((socket) => {
    let buffer = "";
    let mail: Mail = { from: "", to: [], data: "" };
    let inData = false;
    socket.write("220 fake ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          mail.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          mails.push(mail);
          mail = { from: "", to: [], data: "" };
          socket.write("250 queued\r\n");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250-fake\r\n250 8BITMIME\r\n");
        else if (verb === "MAIL") (mail.from = line), socket.write("250 ok\r\n");
        else if (verb === "RCPT") mail.to.push(line), socket.write("250 ok\r\n");
        else if (verb === "DATA") (inData = true), socket.write("354 go ahead\r\n");
        else if (verb === "QUIT") socket.end("221 bye\r\n");
        else socket.write("250 ok\r\n");
      }
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as { port: number }).port, mails })));
}

describe("password reset over SMTP [embedded]", () => {
  let smtp: Awaited<ReturnType<typeof fakeSmtp>>;
  let server: IsolatedServer;
  beforeAll(async () => {
    smtp = await fakeSmtp();
    server = await startIsolatedServer(
      { profile: "embedded", env: { FLICK_PROFILE: "embedded", FLICK_DATA_DIR: "memory://" } },
      { FLICK_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, FLICK_MAIL_FROM: "Flick <no-reply@flick.test>", FLICK_SCRYPT_LOG_N: "12" },
    );
  });
  afterAll(async () => {
    await server?.close();
    smtp?.server.close();
  });

  it("mails the reset token, which then sets the new password", async () => {
    const user = await newUser(server, { username: unique("mail_") });
    await clients(server).accounts.requestPasswordReset({ requestId: rid(), contact: { case: "email", value: user.email } });
    const mail = smtp.mails.find((m) => m.to.some((t) => t.includes(user.email)));
    expect(mail?.from).toContain("no-reply@flick.test");
    expect(mail?.data).toMatch(/Subject: Reset your Flick password/);
    expect(identityModule(server).outbox.messages().filter((m) => m.to === user.email)).toHaveLength(0);
    // Quoted-printable may wrap long lines: undo soft line breaks before looking for the code.
    const body = mail!.data.replace(/=\r\n/g, "");
    const token = /code in the app: (pr1\.[A-Za-z0-9_.-]+)/.exec(body)?.[1];
    expect(token).toBeDefined();
    await clients(server).accounts.resetPassword({ requestId: rid(), resetToken: token!, newPassword: "mailed-new-password" });
    expect(await codeOf(clients(server).accounts.signIn({ requestId: rid(), identifier: user.email, password: "mailed-new-password" }))).toBe("ok");
    expect(await codeOf(clients(server).accounts.signIn({ requestId: rid(), identifier: user.email, password: user.password }))).toBe(Code.Unauthenticated);
  });
});
