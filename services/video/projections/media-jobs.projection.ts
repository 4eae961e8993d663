// The media workers' queue (fast role): every video waiting for processing, scored by
// when it may next be tried (-ms, so the top is the most overdue). A job enters with its
// upload's completion, moves back by an exponential backoff after a failure that will be
// retried, and leaves when the video is published, fails for good or is deleted. Which
// worker runs a job is not kept here: the video's stream is the lock (see video.decider).
import type { Projection } from "@flick/projection-runner";
import { defineSortedSet, type ReadStore } from "@flick/read-store";
import { mediaCodec, toDate } from "../events.js";

export const mediaJobs = defineSortedSet("media_jobs");
export const JOBS_KEY = "queue";

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** Delay before attempt n+1 after attempt n failed: base·2^(n-1), capped. */
export const retryDelayMs = (attempt: number, b: Backoff) => Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, attempt - 1));

export function mediaJobsProjection(backoff: Backoff): Projection<ReadStore> {
  return {
    name: "media-jobs",
    version: 1,
    filter: {
      categories: ["upload", "video"],
      eventTypes: [
        "flick.events.v1.UploadCompleted",
        "flick.events.v1.VideoProcessingFailed",
        "flick.events.v1.VideoPublished",
        "flick.events.v1.VideoDeleted",
      ],
    },
    setup: (store) => store.ensure(mediaJobs),
    async handle(events, store) {
      const jobs = store.sortedSets(mediaJobs);
      for (const recorded of events) {
        const e = mediaCodec.decode(recorded);
        if (!e) continue;
        switch (e.$typeName) {
          case "flick.events.v1.UploadCompleted":
            // The upload's stream carries the job: it is written first, so a video whose
            // own stream was never started (a crash in between) is still processed.
            if (recorded.streamName.startsWith("upload-")) await jobs.add(JOBS_KEY, { member: e.videoId, score: -toDate(e.occurredAt).getTime() });
            break;
          case "flick.events.v1.VideoProcessingFailed":
            if (e.willRetry) {
              await jobs.add(JOBS_KEY, { member: e.videoId, score: -(toDate(e.occurredAt).getTime() + retryDelayMs(e.attempt, backoff)) });
            } else {
              await jobs.remove(JOBS_KEY, e.videoId);
            }
            break;
          case "flick.events.v1.VideoPublished":
            if (!e.imported) await jobs.remove(JOBS_KEY, e.videoId); // imports were never queued
            break;
          case "flick.events.v1.VideoDeleted":
            await jobs.remove(JOBS_KEY, e.videoId);
            break;
        }
      }
    },
  };
}
