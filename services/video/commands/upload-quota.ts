// Upload quotas (RESOURCE_EXHAUSTED): how many uploads a user may start per minute and per
// hour, and how many may be started but not finished at once. Starting an upload reserves
// blob space and a tus resource until it completes or expires, so an unchecked client could
// pin storage for a day per call.
//
// Rates are sliding windows in the fast store (Redis, or PGlite when embedded), shared by
// every process: the upload ids started in the window are members of a per-user set that
// forgets them when the window passes. Pending uploads come from the upload-status read
// model (a per-user set of started, not completed or expired, uploads), read after the
// caller's own previous writes are projected, so one client's sequence is counted exactly.
import { RateLimitedError } from "@flick/kernel";
import { defineSet, type ReadStore, type SetSpec, type Sets } from "@flick/read-store";
import { readUpload } from "../aggregates.js";
import { userPendingUploads } from "../projections/upload-status.projection.js";
import type { VideoContext } from "../video.context.js";

export interface UploadQuotaSettings {
  perMinute: number;
  perHour: number;
  /** Started, neither completed nor expired. */
  maxPending: number;
}

const windows = [
  { name: "minute", spec: defineSet("upload_starts_1m", { ttlSeconds: 60, maxSize: 10_000 }), limit: (q: UploadQuotaSettings) => q.perMinute },
  { name: "hour", spec: defineSet("upload_starts_1h", { ttlSeconds: 3600, maxSize: 10_000 }), limit: (q: UploadQuotaSettings) => q.perHour },
] as const satisfies readonly { name: string; spec: SetSpec; limit: (q: UploadQuotaSettings) => number }[];

export const uploadQuotaSets: SetSpec[] = windows.map((w) => w.spec);

export interface UploadQuota {
  /**
   * Throws RESOURCE_EXHAUSTED when the user may not start `uploadId` now. A retried
   * InitUpload (same upload id, already started) is never refused.
   */
  check(userId: string, uploadId: string): Promise<void>;
  /** Counts a started upload (once per id: the id is the windows' member). */
  record(userId: string, uploadId: string): Promise<void>;
}

export function createUploadQuota(ctx: VideoContext, fast: ReadStore): UploadQuota {
  const q = ctx.settings.uploadQuota;
  const sets = windows.map((w) => ({ ...w, sets: fast.sets(w.spec) as Sets }));
  return {
    async check(userId, uploadId) {
      // A retry of an InitUpload that went through: the command handler answers it.
      if ((await readUpload(ctx.events, uploadId)).state.status !== "none") return;
      if (q.maxPending > 0) {
        const model = ctx.models.uploads;
        await ctx.ryw.settle(userId, [model]);
        const pending = await (await model.store()).sets(userPendingUploads).size(userId);
        if (pending >= q.maxPending) {
          throw new RateLimitedError(
            undefined,
            `you have ${pending} uploads started but not finished (at most ${q.maxPending}); complete one, or wait until unfinished uploads expire, before starting another`,
          );
        }
      }
      for (const w of sets) {
        const limit = w.limit(q);
        if (limit > 0 && (await w.sets.size(userId)) >= limit) {
          throw new RateLimitedError(w.spec.ttlSeconds! * 1000, `at most ${limit} uploads may be started per ${w.name}; try again later`);
        }
      }
    },
    async record(userId, uploadId) {
      for (const w of sets) await w.sets.add(userId, uploadId);
    },
  };
}
