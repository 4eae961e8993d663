// What the social graph's commands and queries use, built once per process.
import type { EventStore } from "@flick/event-store";
import type { Platform } from "../platform/platform.js";
import { readYourWrites, type ReadYourWrites } from "../identity/read-your-writes.js";
import { createRateLimiter, type RateLimiter } from "../identity/security/rate-limit.js";
import { createContactDigester, type ContactDigester } from "../identity/security/contacts.js";
import { socialReadModels, type SocialReadModels } from "./social.read-models.js";

/** Most users one account may follow (TikTok's figure). */
export const FOLLOWING_LIMIT = 10_000;
/** Follows (and follow requests) per user per hour. */
export const FOLLOWS_PER_HOUR = 200;

export interface SocialContext {
  platform: Platform;
  events: EventStore;
  models: SocialReadModels;
  ryw: ReadYourWrites;
  limiter: RateLimiter;
  digester: ContactDigester;
  now(): Date;
}

export async function createSocialContext(platform: Platform): Promise<SocialContext> {
  return {
    platform,
    events: platform.events,
    models: socialReadModels(platform),
    ryw: readYourWrites(platform),
    limiter: await createRateLimiter(platform.engines.stores.fast.store),
    digester: createContactDigester(platform.config),
    now: platform.clock,
  };
}
