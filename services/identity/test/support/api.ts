// Typed clients and small helpers for the identity and social e2e suites.
import { randomInt } from "node:crypto";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { AuthTokens } from "@flick/contracts/flick/identity/v1/identity_pb";
import { AccountService } from "@flick/contracts/flick/identity/v1/account_service_pb";
import { ProfileService } from "@flick/contracts/flick/identity/v1/profile_service_pb";
import { SocialGraphService } from "@flick/contracts/flick/social/v1/social_graph_service_pb";
import { unique } from "../../../test/profiles.js";
import type { IdentityModule } from "../../identity.module.js";
import type { IsolatedServer } from "../../../test/isolated.js";

export const rid = () => unique("rq-");

/** A made-up client address, so per-address limits apply per simulated client. */
export const randomAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

export interface ClientOptions {
  token?: string;
  /** Sent as X-Forwarded-For (the server trusts its first hop, as behind Envoy). */
  address?: string;
}

export function clients(server: Pick<IsolatedServer, "baseUrl">, options: ClientOptions = {}) {
  const address = options.address ?? randomAddress();
  const headers: Interceptor = (next) => (req) => {
    req.header.set("x-forwarded-for", address);
    if (options.token) req.header.set("authorization", `Bearer ${options.token}`);
    return next(req);
  };
  const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", interceptors: [headers] });
  return {
    accounts: createClient(AccountService, transport),
    profiles: createClient(ProfileService, transport),
    social: createClient(SocialGraphService, transport),
  };
}

export type Clients = ReturnType<typeof clients>;

export interface TestUser extends Clients {
  userId: string;
  username: string;
  email: string;
  password: string;
  tokens: AuthTokens;
}

export async function newUser(server: IsolatedServer, overrides: { username?: string; password?: string; private?: boolean } = {}): Promise<TestUser> {
  const username = overrides.username ?? unique("u_");
  const email = `${username.toLowerCase()}@example.com`;
  const password = overrides.password ?? "correct horse battery";
  const res = await clients(server).accounts.register({ requestId: rid(), contact: { case: "email", value: email }, password, username });
  const user: TestUser = { userId: res.userId, username, email, password, tokens: res.tokens!, ...clients(server, { token: res.tokens!.accessToken }) };
  if (overrides.private) await user.profiles.updateProfile({ requestId: rid(), privateAccount: true });
  return user;
}

/** The Connect code a call failed with, or "ok". */
export async function codeOf(call: Promise<unknown>): Promise<Code | "ok"> {
  try {
    await call;
    return "ok";
  } catch (e) {
    return ConnectError.from(e).code;
  }
}

export { Code };

/** Retries `check` until it passes (for reads of other users' writes: eventually consistent). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export function identityModule(server: IsolatedServer): IdentityModule {
  return server.flick.modules.find((m) => m.name === "identity") as IdentityModule;
}

/** The reset token of the newest message sent to `to` through the local outbox. */
export function lastResetToken(server: IsolatedServer, to: string): string | undefined {
  const mine = identityModule(server).outbox.messages().filter((m) => m.to === to);
  return /(pr1\.[A-Za-z0-9_.-]+)/.exec(mine.at(-1)?.text ?? "")?.[1];
}
