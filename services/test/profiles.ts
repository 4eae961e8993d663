// Runs a feature suite on every profile CI can run: embedded always; server
// (PostgreSQL + Redis) and distributed-local (PostgreSQL + Cassandra + Redis) when their
// servers are given, with a loud skip otherwise. Each run gets fresh storage.
import { randomBytes, randomUUID } from "node:crypto";
import { describe } from "vitest";
import type { Profile } from "@flick/server";

export interface ProfileCase {
  profile: Profile;
  /** Environment for loadConfig / startTestServer. */
  env: Record<string, string>;
}

/** Server profiles refuse to start without a master key; tests use a random one. */
const testMasterKey = randomBytes(32).toString("base64");

function cases(): { profile: Profile; env?: Record<string, string>; missing?: string }[] {
  const pg = process.env.POSTGRES_URL;
  const redis = process.env.REDIS_URL;
  const cassandra = process.env.CASSANDRA_CONTACT_POINTS;
  return [
    { profile: "embedded", env: { FLICK_PROFILE: "embedded", FLICK_DATA_DIR: "memory://" } },
    pg && redis
      ? { profile: "server", env: { FLICK_PROFILE: "server", POSTGRES_URL: pg, REDIS_URL: redis, FLICK_MASTER_KEY: testMasterKey } }
      : { profile: "server", missing: "POSTGRES_URL and REDIS_URL (scripts/ci/postgres.sh, scripts/ci/redis.sh)" },
    pg && redis && cassandra
      ? {
          profile: "distributed-local",
          env: {
            FLICK_PROFILE: "distributed-local",
            POSTGRES_URL: pg,
            REDIS_URL: redis,
            CASSANDRA_CONTACT_POINTS: cassandra,
            FLICK_MASTER_KEY: testMasterKey,
          },
        }
      : { profile: "distributed-local", missing: "POSTGRES_URL, REDIS_URL and CASSANDRA_CONTACT_POINTS (scripts/ci/*.sh)" },
  ];
}

/**
 * describe() once per profile. Server profiles share engines between runs, so the suite
 * must use fresh ids (the `unique` helper) rather than assume empty storage.
 */
export function describeEachProfile(name: string, suite: (c: ProfileCase) => void): void {
  for (const c of cases()) {
    if (c.missing) {
      console.warn(`\n*** ${name} [${c.profile}] SKIPPED: set ${c.missing} ***\n`);
      describe.skip(`${name} [${c.profile}]`, () => suite({ profile: c.profile, env: {} }));
      continue;
    }
    describe(`${name} [${c.profile}]`, () => suite({ profile: c.profile, env: c.env! }));
  }
}

/** A short unique suffix, for usernames and ids that must not collide across runs. */
export const unique = (prefix = "") => `${prefix}${randomUUID().replace(/-/g, "").slice(0, 10)}`;
