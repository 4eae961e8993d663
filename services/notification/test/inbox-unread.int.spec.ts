// The inbox projection's unread count (kept in inbox_state) against the list itself, on
// every tables engine here: after every event, delivered one by one or in one batch, twice
// (at-least-once), and after a crash that left a batch half written (Cassandra has no
// atomic batch + checkpoint; the SQL family is exercised the same way, outside a
// transaction). The count must always equal a scan of inbox_order.
import { create, type Message } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { CommentDeletedSchema, CommentPostedSchema, VideoLikedSchema } from "@flick/contracts/flick/events/v1/engagement_pb";
import { NotificationsReadSchema } from "@flick/contracts/flick/events/v1/notification_pb";
import { FollowedSchema } from "@flick/contracts/flick/events/v1/social_pb";
import type { RecordedEvent } from "@flick/event-store";
import { recordedEventsBuilder } from "@flick/kernel";
import type { ReadStore } from "@flick/read-store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboxCodec } from "../events.js";
import { inboxProjection } from "../projections/inbox.projection.js";
import { entriesTable, orderTable, stateTable } from "../projections/inbox.tables.js";
import { inboxState, scanUnread } from "../queries/inbox.query.js";
import { notificationIdOf, updateIdOf } from "../update-ids.js";
import { failingWrites, storeTargets, type OpenedStore } from "./stores.js";

const at = new Date("2026-03-01T12:00:00Z");
const occurredAt = timestampFromDate(at);

/** One creator's story, with ids of its own so scenarios can share a store. */
function story(tag: string) {
  const creator = `c_${tag}`;
  const u = (n: number) => `u${n}_${tag}`;
  const [v1, v2, comment] = [`v1_${tag}`, `v2_${tag}`, `k_${tag}`];
  // Events are numbered from 1 in order; event k's first change is update id uid(k).
  const uid = (k: number) => updateIdOf(`${k}/${k}`, 0);
  const like = (videoId: string, userId: string) => create(VideoLikedSchema, { videoId, userId, videoCreatorId: creator, occurredAt });
  const messages: [string, Message][] = [
    [`like-${v1}-${u(1)}`, like(v1, u(1))],
    [`like-${v1}-${u(2)}`, like(v1, u(2))],
    [`comment-${comment}`, create(CommentPostedSchema, { commentId: comment, videoId: v1, videoCreatorId: creator, authorId: u(3), text: "hi", occurredAt })],
    [`follow-${u(4)}`, create(FollowedSchema, { followerId: u(4), followeeId: creator, occurredAt })],
    // The like entry (opened by event 1) marked read by id.
    [`inbox-${creator}`, create(NotificationsReadSchema, { userId: creator, notificationIds: [notificationIdOf(uid(1))], occurredAt })],
    // A new actor makes the read like entry unread again.
    [`like-${v1}-${u(5)}`, like(v1, u(5))],
    [`comment-${comment}`, create(CommentDeletedSchema, { commentId: comment, videoId: v1, videoCreatorId: creator, authorId: u(3), deletedById: u(3), occurredAt })],
    // A watermark below the newest update: what is above it stays unread (the like entry).
    [`inbox-${creator}`, create(NotificationsReadSchema, { userId: creator, upToUpdateId: uid(4), occurredAt })],
    [`like-${v2}-${u(6)}`, like(v2, u(6))],
    // "Mark all": the watermark at the newest update.
    [`inbox-${creator}`, create(NotificationsReadSchema, { userId: creator, upToUpdateId: uid(9), all: true, occurredAt })],
    [`like-${v2}-${u(7)}`, like(v2, u(7))],
  ];
  const record = recordedEventsBuilder<Message>(inboxCodec, { start: at });
  // Update ids need "<n>/<n>" checkpoints (as the PostgreSQL stores give).
  const events: RecordedEvent[] = messages.flatMap(([stream, m]) => record(stream, [m])).map((e) => ({ ...e, checkpoint: `${Number(e.checkpoint)}/${Number(e.checkpoint)}` }));
  return { creator, events, unreadAfterEach: [1, 1, 2, 3, 2, 3, 2, 1, 2, 0, 1] };
}

async function inbox(store: ReadStore, recipient: string) {
  const state = await inboxState(store, recipient);
  const list = (await store.table(orderTable).scan({ recipient_id: recipient }, { limit: 100 })).rows.map((r) => `${r.notification_id}:${r.read ? "read" : "unread"}`);
  const entries = (await store.table(entriesTable).scan({ recipient_id: recipient }, { limit: 100 })).rows.map(
    (e) => `${e.notification_id}:${e.actor_count}:${e.read ? "read" : "unread"}:${e.removed ? "removed" : "shown"}`,
  );
  return { unread: state.unread, scanned: await scanUnread(store, recipient, state), latest: state.latestUpdateId, list, entries };
}

for (const target of storeTargets()) {
  describe(`inbox unread count (${target.engine})`, () => {
    let opened: OpenedStore;
    const projection = inboxProjection();
    let n = 0;
    const tag = () => `${target.engine}${n++}`;
    beforeAll(async () => {
      opened = await target.open();
      await projection.setup!(opened.store);
    }, 120_000);
    afterAll(() => opened?.close());

    it("matches the list after every event, one batch per event", async () => {
      const s = story(tag());
      const seen: number[] = [];
      for (const e of s.events) {
        await projection.handle([e], opened.store);
        const now = await inbox(opened.store, s.creator);
        expect(now.unread).toBe(now.scanned);
        seen.push(now.unread);
      }
      expect(seen).toEqual(s.unreadAfterEach);
    });

    it("is the same from one batch, and unchanged when every batch is delivered twice", async () => {
      const once = story(tag());
      for (const e of once.events) await projection.handle([e], opened.store);
      const twice = story(tag());
      for (const e of twice.events) {
        await projection.handle([e], opened.store);
        await projection.handle([e], opened.store);
      }
      const whole = story(tag());
      await projection.handle(whole.events, opened.store);
      await projection.handle(whole.events, opened.store);
      const strip = (m: Awaited<ReturnType<typeof inbox>>, t: { creator: string }) => JSON.parse(JSON.stringify(m).replaceAll(t.creator.slice(2), "T"));
      const expected = strip(await inbox(opened.store, once.creator), once);
      expect(expected.unread).toBe(1);
      expect(strip(await inbox(opened.store, twice.creator), twice)).toEqual(expected);
      expect(strip(await inbox(opened.store, whole.creator), whole)).toEqual(expected);
    });

    // A crash between flushes: the state row (written last) or the entries fail, the rest
    // of the batch is stored; the runner then redelivers the batch from its checkpoint.
    for (const failing of [stateTable.name, entriesTable.name]) {
      it(`recovers exactly when a batch stopped before writing ${failing}`, async () => {
        for (const cut of [2, 5, 7, 9]) {
          const s = story(tag());
          const clean = story(tag());
          await projection.handle(clean.events, opened.store);
          await projection.handle(s.events.slice(0, cut), opened.store);
          const crashing = failingWrites(opened.store, failing);
          await expect(projection.handle(s.events.slice(cut), crashing.store)).rejects.toThrow(/injected/);
          await projection.handle(s.events.slice(cut), opened.store);
          const after = await inbox(opened.store, s.creator);
          expect(after.unread, `cut at ${cut}`).toBe(after.scanned);
          expect(after.unread, `cut at ${cut}`).toBe(1);
          expect(after.list.length, `cut at ${cut}`).toBe((await inbox(opened.store, clean.creator)).list.length);
        }
      });
    }
  });
}
