// When an account is deleted, its videos go too (VideoDeleted, reason ACCOUNT_DELETED),
// so no hashtag page, sound count or remix list keeps counting them, and their media
// leaves the blob store. A projection over AccountDeleted notes the account (with the
// event's checkpoint) in a small work table; the video module works through that table
// outside any projection's transaction (an embedded PGlite runs one at a time), and
// deleting a deleted video decides nothing, so doing it twice is harmless.
import { createRegistry } from "@bufbuild/protobuf";
import { file_flick_events_v1_identity, type AccountDeleted } from "@flick/contracts/flick/events/v1/identity_pb";
import { VideoDeletionReason } from "@flick/contracts/flick/events/v1/video_pb";
import { createProtobufCodec, handleCommand } from "@flick/kernel";
import type { Projection } from "@flick/projection-runner";
import { defineTable, type ReadStore } from "@flick/read-store";
import { streams, videoCodec } from "../events.js";
import { userVideosTable } from "../projections/video-catalog.projection.js";
import type { VideoContext } from "../video.context.js";
import { removeVideoMedia } from "./video.command.js";
import { videoDecider } from "./video.decider.js";

const accountCodec = createProtobufCodec<AccountDeleted>(createRegistry(file_flick_events_v1_identity));

export const pendingAccountDeletions = defineTable({
  name: "pending_account_deletions",
  partitionKey: [{ name: "queue", type: "text" }],
  clustering: [{ name: "user_id", type: "text" }],
  columns: [{ name: "checkpoint", type: "text" }],
});
const QUEUE = { queue: "pending" };

export function accountDeletionsProjection(): Projection<ReadStore> {
  return {
    name: "video-account-deletions",
    version: 1,
    filter: { categories: ["account"], eventTypes: ["flick.events.v1.AccountDeleted"] },
    setup: (store) => store.ensure(pendingAccountDeletions),
    async handle(events, store) {
      const pending = store.table(pendingAccountDeletions);
      for (const recorded of events) {
        const e = accountCodec.decode(recorded);
        if (e) await pending.upsert({ ...QUEUE, user_id: e.userId, checkpoint: recorded.checkpoint });
      }
    },
  };
}

/** Deletes the videos of every account noted as deleted; returns how many videos. */
export async function deleteVideosOfDeletedAccounts(ctx: VideoContext): Promise<number> {
  const pending = (await ctx.models.accountDeletions.store()).table(pendingAccountDeletions);
  const { rows } = await pending.scan(QUEUE, { limit: 100 });
  let deleted = 0;
  for (const row of rows) {
    // The catalogue must have seen everything up to the deletion to list every video.
    if (row.checkpoint && !(await ctx.models.catalog.waitFor(row.checkpoint, 10_000))) continue;
    const grid = (await ctx.models.catalog.store()).table(userVideosTable);
    const ids: string[] = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await grid.scan({ user_id: row.user_id }, { limit: 500, cursor });
      ids.push(...page.rows.map((r) => r.video_id));
      cursor = page.cursor;
    }
    for (const videoId of ids) {
      const result = await handleCommand(ctx.events, {
        stream: streams.video(videoId),
        decider: videoDecider,
        command: { type: "Delete", videoId, userId: row.user_id, reason: VideoDeletionReason.ACCOUNT_DELETED, at: ctx.now() },
        requestId: `account-deleted-${videoId}`,
        codec: videoCodec,
        metadata: { actor: "account-deletions" },
      });
      await removeVideoMedia(ctx, videoId, result.state.uploadId);
      if (!result.replayed && result.events.length) deleted++;
    }
    await pending.delete({ ...QUEUE, user_id: row.user_id });
  }
  return deleted;
}
