// The identity module: AccountService and ProfileService, the identity read models
// (profiles, sessions) and the social ones profiles show (counts, relationships), and
// the sweeper that releases deleted accounts' usernames after the grace period.
import { AccountService } from "@flick/contracts/flick/identity/v1/account_service_pb";
import { ProfileService } from "@flick/contracts/flick/identity/v1/profile_service_pb";
import { register } from "@flick/server";
import type { FeatureFactory, FeatureModule } from "../platform/module.js";
import { socialReadModels } from "../social/social.read-models.js";
import { accountService } from "./account.service.js";
import { startUsernameReleases } from "./commands/username.command.js";
import { createIdentityContext, type IdentityContext } from "./identity.context.js";
import type { Outbox } from "./messaging/outbox.message-sender.js";
import { profileService } from "./profile.service.js";

export interface IdentityModule extends FeatureModule {
  /** Messages sent through the local outbox (password resets without SMTP). */
  outbox: Outbox;
  context: IdentityContext;
}

export const createIdentityModule: FeatureFactory = async (platform): Promise<IdentityModule> => {
  const ctx = await createIdentityContext(platform);
  socialReadModels(platform); // profiles show counts and relationships
  let releases: { stop(): Promise<void> } | undefined;
  return {
    name: "identity",
    services: [register(AccountService, accountService(ctx)), register(ProfileService, profileService(ctx))],
    outbox: ctx.outbox,
    context: ctx,
    async start() {
      releases = startUsernameReleases(ctx);
    },
    async stop() {
      await releases?.stop();
    },
  };
};
