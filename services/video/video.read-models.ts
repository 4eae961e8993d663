// The read models of videos, sounds and hashtags, registered once per platform and each
// only when a module of this process asks for it: the media worker alone needs only its
// queue, the API modules need the catalogue, and a model's projection runs only where
// it is registered.
import type { Platform, ReadModel, StoreRole } from "../platform/platform.js";
import type { Projection } from "@flick/projection-runner";
import type { ReadStore } from "@flick/read-store";
import { accountDeletionsProjection } from "./commands/account-deletions.reactor.js";
import { hashtagsProjection } from "../hashtag/projections/hashtags.projection.js";
import { savedSoundsProjection } from "../sound/projections/saved-sounds.projection.js";
import { soundsProjection } from "../sound/projections/sounds.projection.js";
import { mediaJobsProjection, type Backoff } from "./projections/media-jobs.projection.js";
import { uploadStatusProjection } from "./projections/upload-status.projection.js";
import { videoCatalogProjection } from "./projections/video-catalog.projection.js";

export interface VideoReadModels {
  /** videos, user_videos(_oldest), video_remixes: tables role. */
  readonly catalog: ReadModel;
  /** uploads, video_uploads, pending_uploads: tables role. */
  readonly uploads: ReadModel;
  /** media_jobs (the workers' queue): fast role. */
  readonly jobs: ReadModel;
  /** sounds, sound_videos, sounds_newest, usage counts, popularity: tables role. */
  readonly sounds: ReadModel;
  /** saved_sounds, saved_sound_state: tables role. */
  readonly savedSounds: ReadModel;
  /** hashtag_videos, hashtag counts: tables role. */
  readonly hashtags: ReadModel;
  /** pending_account_deletions (work for the video module): tables role. */
  readonly accountDeletions: ReadModel;
}

const registered = new WeakMap<Platform, Map<string, ReadModel>>();

function lazy(platform: Platform, role: StoreRole, make: () => Projection<ReadStore>): () => ReadModel {
  return () => {
    let models = registered.get(platform);
    if (!models) registered.set(platform, (models = new Map()));
    const projection = make();
    let model = models.get(projection.name);
    if (!model) models.set(projection.name, (model = platform.project(role, projection)));
    return model;
  };
}

/** Each property registers its projection on first use (before platform.start()). */
export function videoReadModels(platform: Platform, backoff: Backoff): VideoReadModels {
  const catalog = lazy(platform, "tables", videoCatalogProjection);
  const uploads = lazy(platform, "tables", uploadStatusProjection);
  const jobs = lazy(platform, "fast", () => mediaJobsProjection(backoff));
  const sounds = lazy(platform, "tables", soundsProjection);
  const savedSounds = lazy(platform, "tables", savedSoundsProjection);
  const hashtags = lazy(platform, "tables", hashtagsProjection);
  const accountDeletions = lazy(platform, "tables", accountDeletionsProjection);
  return {
    get catalog() {
      return catalog();
    },
    get uploads() {
      return uploads();
    },
    get jobs() {
      return jobs();
    },
    get sounds() {
      return sounds();
    },
    get savedSounds() {
      return savedSounds();
    },
    get hashtags() {
      return hashtags();
    },
    get accountDeletions() {
      return accountDeletions();
    },
  };
}
