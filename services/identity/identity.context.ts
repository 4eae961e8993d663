// Everything identity's commands and queries use, built once per process by the module.
import type { EventStore } from "@flick/event-store";
import { defineCache, type Cache, type CacheSpec } from "@flick/read-store";
import type { Config } from "@flick/server";
import type { Platform } from "../platform/platform.js";
import type { AccountState } from "./commands/account.decider.js";
import { identityReadModels, type IdentityReadModels } from "./identity.read-models.js";
import { createMessageSender, type MessageSender } from "./messaging/message-sender.js";
import type { Outbox } from "./messaging/outbox.message-sender.js";
import { readYourWrites, type ReadYourWrites } from "./read-your-writes.js";
import { createContactDigester, type ContactDigester } from "./security/contacts.js";
import { createScryptHasher, type PasswordHasher } from "./security/passwords.js";
import { createRateLimiter, type RateLimiter } from "./security/rate-limit.js";

/** Access token id → session id, so SignOut knows the caller's session (the JWT has no sid claim). */
export const accessSessionsCache: CacheSpec = defineCache("access_sessions", { ttlSeconds: 86_400 });

export interface IdentityContext {
  platform: Platform;
  config: Config;
  events: EventStore;
  hasher: PasswordHasher;
  digester: ContactDigester;
  limiter: RateLimiter;
  sender: MessageSender;
  outbox: Outbox;
  models: IdentityReadModels;
  ryw: ReadYourWrites;
  accessSessions: Cache;
  now(): Date;
}

export async function createIdentityContext(platform: Platform): Promise<IdentityContext> {
  const config = platform.config;
  const fast = platform.engines.stores.fast.store;
  await fast.ensure(accessSessionsCache);
  const { sender, outbox } = createMessageSender(config);
  return {
    platform,
    config,
    events: platform.events,
    hasher: createScryptHasher(config.FLICK_SCRYPT_LOG_N),
    digester: createContactDigester(config),
    limiter: await createRateLimiter(fast),
    sender,
    outbox,
    models: identityReadModels(platform),
    ryw: readYourWrites(platform),
    accessSessions: fast.cache(accessSessionsCache),
    now: platform.clock,
  };
}

/** Admins are named in FLICK_ADMINS by user id or by username (any case). */
export function isAdmin(config: Config, account: Pick<AccountState, "userId" | "username">): boolean {
  const username = account.username.toLowerCase();
  return config.FLICK_ADMINS.some((a) => a === account.userId || a.toLowerCase() === username);
}
