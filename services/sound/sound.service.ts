// SoundService: thin handlers, proto in, command or query out.
import type { ServiceImpl } from "@connectrpc/connect";
import { SoundService } from "@flick/contracts/flick/sound/v1/sound_service_pb";
import { signedIn, viewerOf } from "../identity/caller.js";
import { mediaUrls } from "../video/queries/video-view.js";
import type { VideoContext } from "../video/video.context.js";
import { importLibrarySound, saveSound } from "./commands/sound.command.js";
import { browseSounds, getSound, listSavedSounds, listSoundVideos } from "./queries/sounds.query.js";

export function soundService(ctx: VideoContext): ServiceImpl<typeof SoundService> {
  return {
    async getSound(req, c) {
      return { sound: await getSound(ctx, viewerOf(c), req.soundId, mediaUrls(ctx, c)) };
    },
    async listSoundVideos(req, c) {
      return listSoundVideos(ctx, viewerOf(c), { soundId: req.soundId, limit: req.limit, cursor: req.cursor }, mediaUrls(ctx, c));
    },
    async browseSounds(req, c) {
      return browseSounds(ctx, viewerOf(c), { order: req.order, origin: req.origin, limit: req.limit, cursor: req.cursor }, mediaUrls(ctx, c));
    },
    async saveSound(req, c) {
      await saveSound(ctx, signedIn(c), req.requestId, req.soundId, true);
      return {};
    },
    async unsaveSound(req, c) {
      await saveSound(ctx, signedIn(c), req.requestId, req.soundId, false);
      return {};
    },
    async listSavedSounds(req, c) {
      return listSavedSounds(ctx, signedIn(c).userId, { limit: req.limit, cursor: req.cursor }, mediaUrls(ctx, c));
    },
    async importLibrarySound(req, c) {
      const caller = signedIn(c);
      const { soundId, checkpoint } = await importLibrarySound(ctx, caller, req);
      if (checkpoint) await ctx.models.sounds.waitFor(checkpoint, 3_000);
      return { sound: await getSound(ctx, caller.userId, soundId, mediaUrls(ctx, c)) };
    },
  };
}
