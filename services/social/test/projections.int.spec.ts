// The social projections, given/when/then on a real read store (PGlite): each read model
// is what the events say, and stays exactly that when a batch is delivered twice (as
// Cassandra and Redis may redeliver).
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { FollowedSchema, FollowRequestedSchema, FollowApprovedSchema, UnfollowedSchema, UnfollowReason, UserBlockedSchema } from "@flick/contracts/flick/events/v1/social_pb";
import { AccountDeletedSchema } from "@flick/contracts/flick/events/v1/identity_pb";
import { ProjectionSpecification, recordedEventsBuilder, sqlFromPglite } from "@flick/kernel";
import type { Projection } from "@flick/projection-runner";
import { createPostgresReadStore, type ReadStore } from "@flick/read-store";
import { afterAll, beforeAll, describe, it } from "vitest";
import { event } from "../../identity/events.js";
import { socialCodec } from "../events.js";
import { scanAll } from "../paging.js";
import { blockedByTable, blockedUsersTable, blocksProjection } from "../projections/blocks.projection.js";
import { followersTable, followGraphProjection, followingTable, friendsTable } from "../projections/follow-graph.projection.js";
import { followRequestsProjection, incomingRequestsTable } from "../projections/follow-requests.projection.js";
import { countKeys, socialCounters, socialCountsProjection } from "../projections/social-counts.projection.js";

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
});
afterAll(() => db?.close());

function underTest<Model>(projection: Projection<ReadStore>, read: (store: ReadStore) => Promise<Model>) {
  return ProjectionSpecification.for<ReadStore, Model>({
    async setup() {
      const schema = `spec_${randomUUID().replaceAll("-", "")}`;
      const store = createPostgresReadStore({ sql: sqlFromPglite(db), engine: "pglite", schema });
      await projection.setup?.(store);
      return store;
    },
    handle: (events, store) => projection.handle(events.filter((e) => e.type.startsWith("flick.events.v1.")), store),
    read,
  });
}

const at = new Date("2026-03-01T10:00:00Z");
const later = new Date("2026-03-01T10:05:00Z");
const follow = (a: string, b: string, when = at) => event(FollowedSchema, { followerId: a, followeeId: b, occurredAt: when });
const unfollow = (a: string, b: string) => event(UnfollowedSchema, { followerId: a, followeeId: b, reason: UnfollowReason.UNFOLLOWED, occurredAt: later });

describe("follow graph projection", () => {
  const spec = underTest(followGraphProjection(), async (store) => ({
    followersOfB: (await scanAll(store.table(followersTable), { user_id: "b" })).map((r) => r.follower_id),
    followingOfA: (await scanAll(store.table(followingTable), { user_id: "a" })).map((r) => r.followee_id),
    friendsOfA: (await scanAll(store.table(friendsTable), { user_id: "a" })).map((r) => r.friend_id),
    friendsOfB: (await scanAll(store.table(friendsTable), { user_id: "b" })).map((r) => r.friend_id),
  }));

  it("keeps both directions newest first and makes friends of mutual follows, idempotently", async () => {
    const events = recordedEventsBuilder(socialCodec);
    await spec
      .when([
        ...events("follow-a-b", [follow("a", "b")]),
        ...events("follow-c-b", [follow("c", "b", later)]),
        ...events("follow-b-a", [follow("b", "a", later)]),
      ])
      .thenIdempotent({ followersOfB: ["c", "a"], followingOfA: ["b"], friendsOfA: ["b"], friendsOfB: ["a"] });
  });

  it("removes the edge and the friendship on Unfollowed, idempotently", async () => {
    const events = recordedEventsBuilder(socialCodec);
    await spec
      .given([...events("follow-a-b", [follow("a", "b")]), ...events("follow-b-a", [follow("b", "a")])])
      .when(events("follow-a-b", [unfollow("a", "b")]))
      .thenIdempotent({ followersOfB: [], followingOfA: [], friendsOfA: [], friendsOfB: [] });
  });
});

describe("follow requests projection", () => {
  const spec = underTest(followRequestsProjection(), async (store) =>
    (await scanAll(store.table(incomingRequestsTable), { user_id: "owner" })).map((r) => r.follower_id),
  );
  it("lists pending requests until they are approved", async () => {
    const events = recordedEventsBuilder(socialCodec);
    const request = (a: string) => event(FollowRequestedSchema, { followerId: a, followeeId: "owner", occurredAt: at });
    await spec
      .when([
        ...events("follow-x-owner", [request("x")]),
        ...events("follow-y-owner", [request("y")]),
        ...events("follow-x-owner", [event(FollowApprovedSchema, { followerId: "x", followeeId: "owner", occurredAt: later })]),
      ])
      .thenIdempotent(["y"]);
  });
});

describe("blocks projection", () => {
  const spec = underTest(blocksProjection(), async (store) => ({
    blockedByA: (await scanAll(store.table(blockedUsersTable), { user_id: "a" })).map((r) => r.blocked_id),
    blockersOfB: (await scanAll(store.table(blockedByTable), { user_id: "b" })).map((r) => r.blocker_id),
  }));
  it("withdraws a deleted account's blocks both ways", async () => {
    const events = recordedEventsBuilder(socialCodec);
    const block = (a: string, b: string) => event(UserBlockedSchema, { blockerId: a, blockedId: b, occurredAt: at });
    await spec
      .given([...events("block-a-b", [block("a", "b")]), ...events("block-a-c", [block("a", "c")]), ...events("block-d-b", [block("d", "b")])])
      .when(events("account-c", [event(AccountDeletedSchema, { userId: "c", keyId: "k", occurredAt: later })]))
      .thenIdempotent({ blockedByA: ["b"], blockersOfB: ["a", "d"] });
  });
});

describe("social counts projection", () => {
  const spec = underTest(socialCountsProjection(), async (store) =>
    store.counters(socialCounters).getMany([countKeys.followers("b"), countKeys.following("a"), countKeys.following("c")]),
  );
  it("counts each follow once, however often it is delivered", async () => {
    const events = recordedEventsBuilder(socialCodec);
    await spec
      .when([...events("follow-a-b", [follow("a", "b"), unfollow("a", "b"), follow("a", "b")]), ...events("follow-c-b", [follow("c", "b")])])
      .thenIdempotent([2, 1, 1]);
  });
});
