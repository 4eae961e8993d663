// ProfileService: thin Connect handlers, proto in, command or query out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { ProfileService } from "@flick/contracts/flick/identity/v1/profile_service_pb";
import { ValidationError } from "@flick/kernel";
import { signedIn, viewerOf } from "./caller.js";
import { updateProfile } from "./commands/profile.command.js";
import type { IdentityContext } from "./identity.context.js";
import { getProfile, getProfiles, renderProfiles } from "./queries/get-profile.query.js";
import { NO_RELATION } from "../social/relations.js";
import { fromState } from "./views.js";

export function profileService(ctx: IdentityContext): ServiceImpl<typeof ProfileService> {
  return {
    async getProfile(req, c) {
      const by = req.user;
      if (by.case === undefined) throw ValidationError.field("user", "a user id or a username is required");
      const profile = await getProfile(ctx, viewerOf(c), by.case === "userId" ? { userId: by.value } : { username: by.value });
      return { profile };
    },

    async getProfiles(req, c) {
      return { profiles: await getProfiles(ctx, viewerOf(c), req.userIds) };
    },

    async updateProfile(req, c) {
      const caller = signedIn(c);
      const state = await updateProfile(ctx, caller, req.requestId, {
        displayName: req.displayName,
        bio: req.bio,
        avatarUrl: req.avatarUrl,
        profileVideoId: req.profileVideoId,
        privateAccount: req.privateAccount,
      });
      const [profile] = await renderProfiles(ctx, caller.userId, [fromState(state)], [NO_RELATION]);
      return { profile };
    },
  };
}
