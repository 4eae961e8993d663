// The sound module: SoundService over the sounds and favourites read models.
import { SoundService } from "@flick/contracts/flick/sound/v1/sound_service_pb";
import { register } from "@flick/server";
import { identityReadModels } from "../identity/identity.read-models.js";
import type { FeatureFactory } from "../platform/module.js";
import { socialReadModels } from "../social/social.read-models.js";
import { videoContext } from "../video/video.context.js";
import { soundService } from "./sound.service.js";

export const createSoundModule: FeatureFactory = async (platform) => {
  const ctx = await videoContext(platform);
  void ctx.models.sounds;
  void ctx.models.savedSounds;
  void ctx.models.catalog; // a sound's page shows videos
  identityReadModels(platform);
  socialReadModels(platform);
  return { name: "sound", services: [register(SoundService, soundService(ctx))] };
};
