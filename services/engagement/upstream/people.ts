// Users as engagement shows and resolves them: summaries for authors, actors and
// creators, a creator's account privacy for visibility, and @username → user id for
// mentions. Served by identity's read models (profiles, usernames).
import type { UserSummary } from "@flick/contracts/flick/identity/v1/identity_pb";
import type { Platform } from "../../platform/platform.js";
import { identityReadModels } from "../../identity/identity.read-models.js";
import { profilesTable, usernamesTable } from "../../identity/projections/profiles.projection.js";
import { fromRow, toSummary, type ProfileData } from "../../identity/views.js";

export interface People {
  /** Profiles of live accounts; deleted or unknown ids are absent. */
  profiles(userIds: readonly string[]): Promise<Map<string, ProfileData>>;
  summaries(userIds: readonly string[]): Promise<Map<string, UserSummary>>;
  /** Lower-cased usernames → user ids, for the names that exist. */
  idsByUsername(usernames: readonly string[]): Promise<Map<string, string>>;
}

export function peopleFromIdentity(platform: Platform): People {
  const models = identityReadModels(platform);
  const profiles: People["profiles"] = async (userIds) => {
    const store = await models.profiles.store();
    const table = store.table(profilesTable);
    const ids = [...new Set(userIds)].filter(Boolean);
    const rows = await table.getMany(ids.map((user_id) => ({ user_id })));
    const out = new Map<string, ProfileData>();
    rows.forEach((row) => row && out.set(row.user_id, fromRow(row)));
    return out;
  };
  return {
    profiles,
    async summaries(userIds) {
      const out = new Map<string, UserSummary>();
      for (const [id, p] of await profiles(userIds)) out.set(id, toSummary(p));
      return out;
    },
    async idsByUsername(usernames) {
      const store = await models.profiles.store();
      const table = store.table(usernamesTable);
      const names = [...new Set(usernames.map((u) => u.toLowerCase()))];
      const rows = await table.getMany(names.map((username_lower) => ({ username_lower })));
      const out = new Map<string, string>();
      rows.forEach((row) => row?.user_id && out.set(row.username_lower, row.user_id));
      return out;
    },
  };
}
