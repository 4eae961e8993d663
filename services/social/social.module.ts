// The social graph module: SocialGraphService and its read models (the follow graph,
// follow requests, blocks on the tables role; counts on the fast role). Identity's
// profile read model is registered too: lists show people by their profiles.
import { SocialGraphService } from "@flick/contracts/flick/social/v1/social_graph_service_pb";
import { register } from "@flick/server";
import { identityReadModels } from "../identity/identity.read-models.js";
import type { FeatureFactory } from "../platform/module.js";
import { createSocialContext } from "./social.context.js";
import { socialService } from "./social.service.js";

export const createSocialModule: FeatureFactory = async (platform) => {
  const ctx = await createSocialContext(platform);
  identityReadModels(platform);
  return { name: "social", services: [register(SocialGraphService, socialService(ctx))] };
};
