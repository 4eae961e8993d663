// The sweeper: uploads not completed before their expiry are marked expired in their
// stream (UploadExpired) and their bytes removed. The work list is the upload-status
// read model's queue of pending uploads, soonest expiry first; the decision is the upload
// decider's (a completion that won the race is left alone).
import { handleCommand } from "@flick/kernel";
import { PENDING_KEY, pendingUploads } from "../projections/upload-status.projection.js";
import { streams, uploadCodec } from "../events.js";
import type { VideoContext } from "../video.context.js";
import { uploadDecider } from "./upload.decider.js";

/** Expires every due upload (up to `max` per call); returns how many it expired. */
export async function expireUploads(ctx: VideoContext, max = 500): Promise<number> {
  const store = await ctx.models.uploads.store();
  const now = ctx.now();
  const due = (await store.sortedSets(pendingUploads).top(PENDING_KEY, max)).filter((m) => -m.score <= now.getTime());
  let expired = 0;
  for (const { member: uploadId } of due) {
    const result = await handleCommand(ctx.events, {
      stream: streams.upload(uploadId),
      decider: uploadDecider,
      command: { type: "Expire", at: now },
      requestId: `expire-${uploadId}`,
      codec: uploadCodec,
      metadata: { actor: "upload-sweeper" },
    });
    if (result.state.status !== "expired") continue;
    await ctx.blobs.deletePrefix(`uploads/${uploadId}`);
    if (!result.replayed) expired++;
  }
  return expired;
}
