// The media module: the processing worker alone (`flick start --services=media`), so
// transcoding scales apart from the API. `npm start` runs it beside everything else.
import type { FeatureFactory, FeatureModule } from "../platform/module.js";
import { videoContext } from "./video.context.js";
import { createMediaWorker, type MediaWorker } from "./worker/media-worker.js";

export interface MediaModule extends FeatureModule {
  worker: MediaWorker;
}

export const createMediaModule: FeatureFactory = async (platform): Promise<MediaModule> => {
  const ctx = await videoContext(platform);
  void ctx.models.jobs; // the queue this worker reads
  const worker = createMediaWorker(ctx);
  return {
    name: "media",
    services: [],
    worker,
    async start() {
      worker.start();
    },
    async stop() {
      await worker.stop();
    },
  };
};
