// Public profiles (tables role): one row per live account, the username → id lookup
// (lower-cased, so lookups ignore case), and the usernames of deleted accounts waiting
// for their grace period to end. Written once against the read-store ports; runs on
// PGlite, PostgreSQL and Cassandra. Idempotent: every write is an upsert or a delete of
// a known key, ordered so that a batch delivered twice (Cassandra) converges.
import { createHash } from "node:crypto";
import type { Projection } from "@flick/projection-runner";
import { defineTable, type ReadStore, type RowOf } from "@flick/read-store";
import { identityCodec, toDate } from "../events.js";

export const profilesTable = defineTable({
  name: "profiles",
  partitionKey: [{ name: "user_id", type: "text" }],
  columns: [
    { name: "username", type: "text" },
    { name: "display_name", type: "text" },
    { name: "bio", type: "text" },
    { name: "avatar_url", type: "text" },
    { name: "profile_video_id", type: "text" },
    { name: "private_account", type: "boolean" },
    { name: "verified", type: "boolean" },
    { name: "created_at", type: "timestamp" },
  ],
});

export const usernamesTable = defineTable({
  name: "usernames",
  partitionKey: [{ name: "username_lower", type: "text" }],
  columns: [{ name: "user_id", type: "text" }],
});

/** Usernames of deleted accounts, released once the grace period is over (16 partitions). */
export const usernameReleasesTable = defineTable({
  name: "username_releases",
  partitionKey: [{ name: "shard", type: "text" }],
  clustering: [{ name: "user_id", type: "text" }],
  columns: [
    { name: "username", type: "text" },
    { name: "deleted_at", type: "timestamp" },
  ],
});

export type ProfileRow = RowOf<typeof profilesTable>;
export const RELEASE_SHARDS = 16;
export const releaseShard = (userId: string) => String(createHash("sha256").update(userId).digest()[0]! % RELEASE_SHARDS);

export function profilesProjection(): Projection<ReadStore> {
  return {
    name: "profiles",
    version: 1,
    filter: { categories: ["account", "username"] },
    setup: (store) => store.ensure(profilesTable, usernamesTable, usernameReleasesTable),
    async handle(events, store) {
      const profiles = store.table(profilesTable);
      const usernames = store.table(usernamesTable);
      const releases = store.table(usernameReleasesTable);
      const dropLookup = async (username: string, userId: string) => {
        const key = { username_lower: username.toLowerCase() };
        if ((await usernames.get(key))?.user_id === userId) await usernames.delete(key);
      };
      for (const recorded of events) {
        const e = identityCodec.decode(recorded);
        if (!e) continue;
        switch (e.$typeName) {
          case "flick.events.v1.AccountRegistered":
            await profiles.upsert({
              user_id: e.userId,
              username: e.username,
              display_name: e.displayName,
              bio: "",
              avatar_url: "",
              profile_video_id: "",
              private_account: false,
              verified: false,
              created_at: toDate(e.occurredAt),
            });
            await usernames.upsert({ username_lower: e.username.toLowerCase(), user_id: e.userId });
            break;
          case "flick.events.v1.ProfileUpdated":
            await profiles.upsert({
              user_id: e.userId,
              display_name: e.displayName,
              bio: e.bio,
              avatar_url: e.avatarUrl,
              profile_video_id: e.profileVideoId,
              private_account: e.privateAccount,
            });
            break;
          case "flick.events.v1.AccountVerificationChanged":
            await profiles.upsert({ user_id: e.userId, verified: e.verified });
            break;
          case "flick.events.v1.UsernameChanged":
            await profiles.upsert({ user_id: e.userId, username: e.newUsername });
            if (e.oldUsername.toLowerCase() !== e.newUsername.toLowerCase()) await dropLookup(e.oldUsername, e.userId);
            await usernames.upsert({ username_lower: e.newUsername.toLowerCase(), user_id: e.userId });
            break;
          case "flick.events.v1.AccountDeleted": {
            const row = await profiles.get({ user_id: e.userId });
            if (!row) break;
            const username = row.username ?? "";
            // The pending release first, the profile last: a redelivered batch redoes it all.
            await releases.upsert({ shard: releaseShard(e.userId), user_id: e.userId, username, deleted_at: toDate(e.occurredAt) });
            await dropLookup(username, e.userId);
            await profiles.delete({ user_id: e.userId });
            break;
          }
          case "flick.events.v1.UsernameReleased": {
            const key = { shard: releaseShard(e.userId), user_id: e.userId };
            const pending = await releases.get(key);
            if (pending && pending.username?.toLowerCase() === e.username.toLowerCase()) await releases.delete(key);
            break;
          }
        }
      }
    },
  };
}
