// The hashtag module: HashtagService over the hashtag read model. (ChallengeService,
// the other half of flick.challenge.v1, is the challenge module's.)
import { HashtagService } from "@flick/contracts/flick/challenge/v1/hashtag_service_pb";
import { register } from "@flick/server";
import { identityReadModels } from "../identity/identity.read-models.js";
import type { FeatureFactory } from "../platform/module.js";
import { socialReadModels } from "../social/social.read-models.js";
import { videoContext } from "../video/video.context.js";
import { hashtagService } from "./hashtag.service.js";

export const createHashtagModule: FeatureFactory = async (platform) => {
  const ctx = await videoContext(platform);
  void ctx.models.hashtags;
  void ctx.models.catalog; // a hashtag's page shows videos
  void ctx.models.sounds; // and their sounds
  identityReadModels(platform);
  socialReadModels(platform);
  return { name: "hashtag", services: [register(HashtagService, hashtagService(ctx))] };
};
