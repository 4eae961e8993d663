// Identity's read models, registered once per platform: the identity and social modules
// (and later contexts) all read them, whichever of the modules this process runs.
import type { Platform, ReadModel } from "../platform/platform.js";
import { profilesProjection } from "./projections/profiles.projection.js";
import { sessionsProjection } from "./projections/sessions.projection.js";

export interface IdentityReadModels {
  /** profiles, usernames (lookup), username_releases: tables role. */
  profiles: ReadModel;
  /** user_sessions: tables role. */
  sessions: ReadModel;
}

const registered = new WeakMap<Platform, IdentityReadModels>();

export function identityReadModels(platform: Platform): IdentityReadModels {
  let models = registered.get(platform);
  if (!models) {
    models = {
      profiles: platform.project("tables", profilesProjection()),
      sessions: platform.project("tables", sessionsProjection()),
    };
    registered.set(platform, models);
  }
  return models;
}
