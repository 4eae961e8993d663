// The video aggregate, given/when/then: the processing job's claim, lease and fencing,
// publishing, the creator's edits and deletion, admin imports.
import { describe, expect, it } from "vitest";
import {
  HlsPlaybackSchema,
  UploadCompletedSchema,
  VideoDeletedSchema,
  VideoDeletionReason,
  VideoPrivacy,
  VideoProcessingFailedSchema,
  VideoProcessingFailure,
  VideoProcessingStage,
  VideoProcessingStartedSchema,
  VideoPublishedSchema,
  VideoUpdatedSchema,
} from "@flick/contracts/flick/events/v1/video_pb";
import { create } from "@bufbuild/protobuf";
import { AlreadyExistsError, DeciderSpecification, FailedPreconditionError, NotFoundError, PermissionDeniedError } from "@flick/kernel";
import { StaleAttemptError, videoDecider, type VideoCommand } from "../commands/video.decider.js";
import { event, ts } from "../events.js";

const spec = DeciderSpecification.for(videoDecider);
const t0 = new Date("2026-01-01T10:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const LEASE = 30_000;

const completed = event(UploadCompletedSchema, {
  uploadId: "upl_1",
  videoId: "vid_1",
  userId: "usr_ana",
  caption: "hello #a",
  hashtags: ["a"],
  privacy: VideoPrivacy.PUBLIC,
  duetEnabled: true,
  stitchEnabled: true,
  commentEnabled: true,
  occurredAt: t0,
});
const started = (attempt: number, worker: string, ms: number) =>
  event(VideoProcessingStartedSchema, { videoId: "vid_1", jobId: "job_1", attempt, workerId: worker, occurredAt: at(ms) });
const claim = (ms: number, over: Partial<Extract<VideoCommand, { type: "Claim" }>> = {}): VideoCommand => ({
  type: "Claim",
  videoId: "vid_1",
  workerId: "w2",
  leaseMs: LEASE,
  maxAttempts: 3,
  at: at(ms),
  ...over,
});
const playback = create(HlsPlaybackSchema, { masterPlaylistPath: "videos/vid_1/master.m3u8" });
const publish = (attempt: number, ms: number): VideoCommand => ({
  type: "Publish",
  attempt,
  soundId: "snd_1",
  playback,
  thumbnailPath: "videos/vid_1/thumb.webp",
  durationMs: 15_000,
  width: 720,
  height: 1280,
  at: at(ms),
});

describe("creation", () => {
  it("copies the upload's completion into the video's stream once", () => {
    spec.given([]).when({ type: "Create", completed }).then([completed]);
    spec.given([completed]).when({ type: "Create", completed }).thenNothingHappened();
  });
});

describe("the processing job", () => {
  it("is claimed by the first worker (attempt 1)", () => {
    spec.given([completed]).when(claim(1000, { workerId: "w1" })).then([started(1, "w1", 1000)]);
  });
  it("is refused to others while the holder's lease is alive", () => {
    spec.given([completed, started(1, "w1", 1000)]).when(claim(1000 + LEASE - 1)).thenThrows(FailedPreconditionError, (e) => expect(e.reason).toBe("job_held"));
  });
  it("counts a fresh heartbeat of the current attempt as alive", () => {
    spec
      .given([completed, started(1, "w1", 1000)])
      .when(claim(1000 + 2 * LEASE, { heartbeat: { attempt: 1, at: at(1000 + 2 * LEASE - 10) } }))
      .thenThrows(FailedPreconditionError);
  });
  it("is taken over once the lease ran out (a crashed worker): attempt 2", () => {
    spec.given([completed, started(1, "w1", 1000)]).when(claim(1000 + LEASE, { heartbeat: { attempt: 0, at: at(1000 + LEASE) } })).then([started(2, "w2", 1000 + LEASE)]);
  });
  it("fences off the attempt that was taken over", () => {
    spec.given([completed, started(1, "w1", 1000), started(2, "w2", 40_000)]).when(publish(1, 50_000)).thenThrows(StaleAttemptError);
  });
  it("fails for good, with a reason, once the attempts are used up", () => {
    spec
      .given([completed, started(1, "w1", 1000), started(2, "w1", 40_000), started(3, "w1", 80_000)])
      .when(claim(200_000))
      .then([
        event(VideoProcessingFailedSchema, {
          videoId: "vid_1",
          jobId: "job_1",
          attempt: 3,
          reason: VideoProcessingFailure.INTERNAL,
          message: "Processing kept failing (3 attempts). Please upload the video again.",
          willRetry: false,
          occurredAt: at(200_000),
        }),
      ]);
  });
  it("may be claimed again at once after a failure that will be retried", () => {
    const failed = event(VideoProcessingFailedSchema, { videoId: "vid_1", jobId: "job_1", attempt: 1, reason: VideoProcessingFailure.INTERNAL, message: "x", willRetry: true, occurredAt: at(2000) });
    spec.given([completed, started(1, "w1", 1000), failed]).when(claim(3000)).then([started(2, "w2", 3000)]);
  });
  it("publishes a snapshot that includes edits made while processing", () => {
    const edit = event(VideoUpdatedSchema, {
      videoId: "vid_1",
      userId: "usr_ana",
      caption: "new #b",
      hashtags: ["b"],
      privacy: VideoPrivacy.FRIENDS,
      duetEnabled: false,
      stitchEnabled: true,
      commentEnabled: true,
      changedFields: ["caption", "hashtags", "privacy", "duet_enabled"],
      occurredAt: at(1500),
    });
    spec.given([completed, started(1, "w1", 1000), edit]).when(publish(1, 5000)).then([
      event(VideoPublishedSchema, {
        videoId: "vid_1",
        userId: "usr_ana",
        uploadId: "upl_1",
        caption: "new #b",
        hashtags: ["b"],
        soundId: "snd_1",
        privacy: VideoPrivacy.FRIENDS,
        duetEnabled: false,
        stitchEnabled: true,
        commentEnabled: true,
        playback,
        thumbnailPath: "videos/vid_1/thumb.webp",
        durationMs: 15_000,
        width: 720,
        height: 1280,
        createdAt: ts(t0),
        occurredAt: at(5000),
      }),
    ]);
  });
  it("stops a job whose video was deleted", () => {
    const deleted = event(VideoDeletedSchema, { videoId: "vid_1", userId: "usr_ana", reason: VideoDeletionReason.BY_CREATOR, occurredAt: at(1500) });
    spec
      .given([completed, started(1, "w1", 1000), deleted])
      .when({ type: "Progress", attempt: 1, stage: VideoProcessingStage.TRANSCODING, percent: 50, playable: false, at: at(2000) })
      .thenThrows(StaleAttemptError);
  });
});

describe("edits and deletion", () => {
  const update = (userId: string, changes: Extract<VideoCommand, { type: "Update" }>["changes"]): VideoCommand => ({ type: "Update", videoId: "vid_1", userId, changes, at: at(9000) });
  it("records what changed", () => {
    spec.given([completed]).when(update("usr_ana", { privacy: VideoPrivacy.PRIVATE, commentEnabled: true })).then([
      event(VideoUpdatedSchema, {
        videoId: "vid_1",
        userId: "usr_ana",
        caption: "hello #a",
        hashtags: ["a"],
        privacy: VideoPrivacy.PRIVATE,
        duetEnabled: true,
        stitchEnabled: true,
        commentEnabled: true,
        changedFields: ["privacy"],
        occurredAt: at(9000),
      }),
    ]);
    spec.given([completed]).when(update("usr_ana", { caption: "hello #a" })).thenNothingHappened();
  });
  it("are for the creator only", () => {
    spec.given([completed]).when(update("usr_bob", { caption: "mine now" })).thenThrows(PermissionDeniedError);
    spec.given([completed]).when({ type: "Delete", videoId: "vid_1", userId: "usr_bob", reason: VideoDeletionReason.BY_CREATOR, at: at(9000) }).thenThrows(PermissionDeniedError);
  });
  it("a deleted or missing video is not found; deleting twice is fine", () => {
    const deleted = event(VideoDeletedSchema, { videoId: "vid_1", userId: "usr_ana", reason: VideoDeletionReason.BY_CREATOR, occurredAt: at(8000) });
    spec.given([completed, deleted]).when(update("usr_ana", { caption: "x" })).thenThrows(NotFoundError);
    spec.given([completed, deleted]).when({ type: "Delete", videoId: "vid_1", userId: "usr_ana", reason: VideoDeletionReason.BY_CREATOR, at: at(9000) }).thenNothingHappened();
    spec.given([]).when({ type: "Delete", videoId: "vid_1", userId: "usr_ana", reason: VideoDeletionReason.BY_CREATOR, at: at(9000) }).thenThrows(NotFoundError);
  });
  it("a failed video cannot be edited", () => {
    const failed = event(VideoProcessingFailedSchema, { videoId: "vid_1", jobId: "job_1", attempt: 1, reason: VideoProcessingFailure.UNREADABLE_MEDIA, message: "x", willRetry: false, occurredAt: at(2000) });
    spec.given([completed, started(1, "w1", 1000), failed]).when(update("usr_ana", { caption: "x" })).thenThrows(FailedPreconditionError);
  });
});

describe("import", () => {
  const published = {
    videoId: "vid_imp",
    userId: "usr_ana",
    caption: "imported",
    privacy: VideoPrivacy.PUBLIC,
    playback,
    durationMs: 120_000,
    createdAt: ts(t0),
  };
  it("publishes at once, marked imported; again with the same video is a no-op; another video under the id is refused", () => {
    const e = event(VideoPublishedSchema, { ...published, imported: true, occurredAt: at(1) });
    spec.given([]).when({ type: "Import", published, at: at(1) }).then([e]);
    spec.given([e]).when({ type: "Import", published, at: at(2) }).thenNothingHappened();
    spec.given([e]).when({ type: "Import", published: { ...published, userId: "usr_bob" }, at: at(2) }).thenThrows(AlreadyExistsError);
  });
});
