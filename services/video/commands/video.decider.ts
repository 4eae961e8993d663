// The video aggregate (stream video-<video_id>): created by its upload's completion (or
// published at once by an admin import), processed by media workers, edited and deleted
// by its creator.
//
// The stream is also the processing job's lock: a worker claims the job by appending
// VideoProcessingStarted with the expected revision, so exactly one claim wins, and every
// later event of the job names its attempt — a worker whose job was taken over (its lease
// ran out) is refused (fenced) the moment it tries to write.
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  VideoDeletedSchema,
  VideoDeletionReason,
  VideoPrivacy,
  VideoProcessingFailedSchema,
  VideoProcessingFailure,
  VideoProcessingProgressedSchema,
  VideoProcessingStage,
  VideoProcessingStartedSchema,
  VideoPublishedSchema,
  VideoUpdatedSchema,
  type HlsPlayback,
  type UploadCompleted,
  type VideoEffects,
  type VideoRemix,
} from "@flick/contracts/flick/events/v1/video_pb";
import { AlreadyExistsError, FailedPreconditionError, NotFoundError, PermissionDeniedError, type Decider } from "@flick/kernel";
import { event, toDate, ts, type VideoEvent } from "../events.js";

export type VideoStatus = "none" | "processing" | "ready" | "failed" | "deleted";

export interface JobState {
  /** Attempts started so far (0: never claimed). */
  attempt: number;
  workerId: string;
  /** The current attempt is running (started, not failed since). */
  running: boolean;
  /** Time of the job's last event: a running attempt's lease counts from it. */
  lastEventAt: Date;
}

export interface VideoState {
  status: VideoStatus;
  videoId: string;
  userId: string;
  uploadId: string;
  caption: string;
  hashtags: string[];
  mentionedUserIds: string[];
  /** The chosen sound; after publishing, the sound used (possibly a new original sound). */
  soundId: string;
  keepOriginalAudio: boolean;
  privacy: VideoPrivacy;
  duetEnabled: boolean;
  stitchEnabled: boolean;
  commentEnabled: boolean;
  effects: VideoEffects | undefined;
  remix: VideoRemix | undefined;
  thumbnailOffsetMs: number;
  createdAt: Date;
  imported: boolean;
  playback: HlsPlayback | undefined;
  durationMs: number;
  job: JobState;
}

type Editable = Pick<VideoState, "caption" | "hashtags" | "mentionedUserIds" | "privacy" | "duetEnabled" | "stitchEnabled" | "commentEnabled">;

export type PublishedInit = Omit<MessageInitShape<typeof VideoPublishedSchema>, "$typeName" | "occurredAt">;

export type VideoCommand =
  /** Copies the upload's completion into the video's own stream (its first event). */
  | { type: "Create"; completed: UploadCompleted }
  | {
      type: "Claim";
      videoId: string;
      workerId: string;
      leaseMs: number;
      maxAttempts: number;
      /** The current attempt's last heartbeat (the lease cache), if any. */
      heartbeat?: { attempt: number; at: Date };
      at: Date;
    }
  | { type: "Progress"; attempt: number; stage: VideoProcessingStage; percent: number; playable: boolean; playback?: HlsPlayback; at: Date }
  | {
      type: "Publish";
      attempt: number;
      soundId: string;
      playback: HlsPlayback;
      thumbnailPath: string;
      durationMs: number;
      width: number;
      height: number;
      at: Date;
    }
  | { type: "Fail"; attempt: number; reason: VideoProcessingFailure; message: string; willRetry: boolean; at: Date }
  | { type: "Import"; published: PublishedInit; at: Date }
  | { type: "Update"; videoId: string; userId: string; changes: Partial<Editable>; at: Date }
  | { type: "Delete"; videoId: string; userId: string; reason: VideoDeletionReason; at: Date };

export const initialVideoState = (): VideoState => ({
  status: "none",
  videoId: "",
  userId: "",
  uploadId: "",
  caption: "",
  hashtags: [],
  mentionedUserIds: [],
  soundId: "",
  keepOriginalAudio: false,
  privacy: VideoPrivacy.UNSPECIFIED,
  duetEnabled: true,
  stitchEnabled: true,
  commentEnabled: true,
  effects: undefined,
  remix: undefined,
  thumbnailOffsetMs: 0,
  createdAt: new Date(0),
  imported: false,
  playback: undefined,
  durationMs: 0,
  job: { attempt: 0, workerId: "", running: false, lastEventAt: new Date(0) },
});

/** The job is not (or no longer) this worker's: stop and leave it to whoever holds it. */
export class StaleAttemptError extends FailedPreconditionError {
  constructor(videoId: string, attempt: number) {
    super(`video ${videoId}: processing attempt ${attempt} is no longer current`, "stale_attempt");
  }
}

function fence(s: VideoState, attempt: number): void {
  if (s.status !== "processing" || s.job.attempt !== attempt || !s.job.running) throw new StaleAttemptError(s.videoId, attempt);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export const videoDecider: Decider<VideoCommand, VideoState, VideoEvent> = {
  initialState: initialVideoState,

  evolve(s, e) {
    const at = toDate(e.occurredAt);
    switch (e.$typeName) {
      case "flick.events.v1.UploadCompleted":
        return {
          ...s,
          status: "processing",
          videoId: e.videoId,
          userId: e.userId,
          uploadId: e.uploadId,
          caption: e.caption,
          hashtags: e.hashtags,
          mentionedUserIds: e.mentionedUserIds,
          soundId: e.soundId,
          keepOriginalAudio: e.keepOriginalAudio,
          privacy: e.privacy,
          duetEnabled: e.duetEnabled,
          stitchEnabled: e.stitchEnabled,
          commentEnabled: e.commentEnabled,
          effects: e.effects,
          remix: e.remix,
          thumbnailOffsetMs: e.thumbnailOffsetMs,
          createdAt: at,
          job: { ...s.job, lastEventAt: at },
        };
      case "flick.events.v1.VideoProcessingStarted":
        return { ...s, job: { attempt: e.attempt, workerId: e.workerId, running: true, lastEventAt: at } };
      case "flick.events.v1.VideoProcessingProgressed":
        return { ...s, job: { ...s.job, lastEventAt: at } };
      case "flick.events.v1.VideoProcessingFailed":
        return { ...s, status: e.willRetry ? s.status : "failed", job: { ...s.job, running: false, lastEventAt: at } };
      case "flick.events.v1.VideoPublished":
        return {
          ...s,
          status: "ready",
          videoId: e.videoId,
          userId: e.userId,
          uploadId: e.uploadId,
          caption: e.caption,
          hashtags: e.hashtags,
          mentionedUserIds: e.mentionedUserIds,
          soundId: e.soundId,
          privacy: e.privacy,
          duetEnabled: e.duetEnabled,
          stitchEnabled: e.stitchEnabled,
          commentEnabled: e.commentEnabled,
          effects: e.effects,
          remix: e.remix,
          createdAt: toDate(e.createdAt),
          imported: e.imported,
          playback: e.playback,
          durationMs: e.durationMs,
          job: { ...s.job, running: false, lastEventAt: at },
        };
      case "flick.events.v1.VideoUpdated":
        return {
          ...s,
          caption: e.caption,
          hashtags: e.hashtags,
          mentionedUserIds: e.mentionedUserIds,
          privacy: e.privacy,
          duetEnabled: e.duetEnabled,
          stitchEnabled: e.stitchEnabled,
          commentEnabled: e.commentEnabled,
        };
      case "flick.events.v1.VideoDeleted":
        return { ...s, status: "deleted", job: { ...s.job, running: false } };
    }
  },

  decide(c, s) {
    switch (c.type) {
      case "Create":
        return s.status === "none" ? [c.completed] : [];

      case "Claim": {
        if (s.status === "none") throw new NotFoundError("video", c.videoId);
        if (s.status !== "processing") throw new FailedPreconditionError(`video ${s.videoId} is not waiting for processing`, "not_processing");
        if (s.job.running) {
          const beat = c.heartbeat?.attempt === s.job.attempt ? c.heartbeat.at.getTime() : 0;
          const last = Math.max(s.job.lastEventAt.getTime(), beat);
          if (c.at.getTime() - last < c.leaseMs) throw new FailedPreconditionError(`video ${s.videoId}: job held by ${s.job.workerId}`, "job_held");
        }
        if (s.job.attempt >= c.maxAttempts) {
          return [
            event(VideoProcessingFailedSchema, {
              videoId: s.videoId,
              jobId: jobId(s.videoId),
              attempt: s.job.attempt,
              reason: VideoProcessingFailure.INTERNAL,
              message: `Processing kept failing (${s.job.attempt} attempts). Please upload the video again.`,
              willRetry: false,
              occurredAt: c.at,
            }),
          ];
        }
        return [
          event(VideoProcessingStartedSchema, {
            videoId: s.videoId,
            jobId: jobId(s.videoId),
            attempt: s.job.attempt + 1,
            workerId: c.workerId,
            occurredAt: c.at,
          }),
        ];
      }

      case "Progress":
        fence(s, c.attempt);
        return [
          event(VideoProcessingProgressedSchema, {
            videoId: s.videoId,
            jobId: jobId(s.videoId),
            stage: c.stage,
            percent: c.percent,
            playable: c.playable,
            playback: c.playback,
            occurredAt: c.at,
          }),
        ];

      case "Publish":
        fence(s, c.attempt);
        return [
          event(VideoPublishedSchema, {
            videoId: s.videoId,
            userId: s.userId,
            uploadId: s.uploadId,
            caption: s.caption,
            hashtags: s.hashtags,
            mentionedUserIds: s.mentionedUserIds,
            soundId: c.soundId,
            privacy: s.privacy,
            duetEnabled: s.duetEnabled,
            stitchEnabled: s.stitchEnabled,
            commentEnabled: s.commentEnabled,
            effects: s.effects,
            remix: s.remix,
            playback: c.playback,
            thumbnailPath: c.thumbnailPath,
            durationMs: c.durationMs,
            width: c.width,
            height: c.height,
            createdAt: ts(s.createdAt),
            imported: false,
            occurredAt: c.at,
          }),
        ];

      case "Fail":
        fence(s, c.attempt);
        return [
          event(VideoProcessingFailedSchema, {
            videoId: s.videoId,
            jobId: jobId(s.videoId),
            attempt: c.attempt,
            reason: c.reason,
            message: c.message,
            willRetry: c.willRetry,
            occurredAt: c.at,
          }),
        ];

      case "Import": {
        const p = c.published;
        if (s.status !== "none") {
          if (s.imported && s.userId === p.userId && s.playback?.masterPlaylistPath === p.playback?.masterPlaylistPath) return [];
          throw new AlreadyExistsError("video", s.videoId);
        }
        return [event(VideoPublishedSchema, { ...p, imported: true, occurredAt: c.at })];
      }

      case "Update": {
        if (s.status === "none" || s.status === "deleted") throw new NotFoundError("video", c.videoId);
        if (s.userId !== c.userId) throw new PermissionDeniedError("only the creator can edit a video");
        if (s.status === "failed") throw new FailedPreconditionError("the video failed to process", "failed");
        const next: Editable = {
          caption: c.changes.caption ?? s.caption,
          hashtags: c.changes.hashtags ?? s.hashtags,
          mentionedUserIds: c.changes.mentionedUserIds ?? s.mentionedUserIds,
          privacy: c.changes.privacy ?? s.privacy,
          duetEnabled: c.changes.duetEnabled ?? s.duetEnabled,
          stitchEnabled: c.changes.stitchEnabled ?? s.stitchEnabled,
          commentEnabled: c.changes.commentEnabled ?? s.commentEnabled,
        };
        const changed: string[] = [];
        if (next.caption !== s.caption) changed.push("caption");
        if (!sameList(next.hashtags, s.hashtags)) changed.push("hashtags");
        if (!sameList(next.mentionedUserIds, s.mentionedUserIds)) changed.push("mentioned_user_ids");
        if (next.privacy !== s.privacy) changed.push("privacy");
        if (next.duetEnabled !== s.duetEnabled) changed.push("duet_enabled");
        if (next.stitchEnabled !== s.stitchEnabled) changed.push("stitch_enabled");
        if (next.commentEnabled !== s.commentEnabled) changed.push("comment_enabled");
        if (changed.length === 0) return [];
        return [event(VideoUpdatedSchema, { videoId: s.videoId, userId: s.userId, ...next, changedFields: changed, occurredAt: c.at })];
      }

      case "Delete": {
        if (s.status === "none") throw new NotFoundError("video", c.videoId);
        if (s.userId !== c.userId && c.reason === VideoDeletionReason.BY_CREATOR) {
          throw new PermissionDeniedError("only the creator can delete a video");
        }
        if (s.status === "deleted") return [];
        return [event(VideoDeletedSchema, { videoId: s.videoId, userId: s.userId, reason: c.reason, occurredAt: c.at })];
      }
    }
  },
};

/** One job per video: its id names the video's processing, across attempts. */
export const jobId = (videoId: string) => `job_${videoId.slice(videoId.indexOf("_") + 1)}`;
