// The upload aggregate, given/when/then: limits, the byte receipt, one completion, expiry.
import { describe, expect, it } from "vitest";
import { UploadCompletedSchema, UploadExpiredSchema, UploadInitiatedSchema, UploadMediaKind, UploadReceivedSchema, VideoPrivacy } from "@flick/contracts/flick/events/v1/video_pb";
import { DeciderSpecification, FailedPreconditionError, NotFoundError, PermissionDeniedError, ValidationError } from "@flick/kernel";
import { uploadDecider, type UploadCommand, type UploadLimits } from "../commands/upload.decider.js";
import { event, ts } from "../events.js";

const spec = DeciderSpecification.for(uploadDecider);
const t0 = new Date("2026-01-01T10:00:00Z");
const later = (ms: number) => new Date(t0.getTime() + ms);
const HOUR = 3_600_000;
const limits: UploadLimits = { minDurationMs: 3000, maxDurationMs: 60_000, maxAudioDurationMs: 600_000, maxBytes: 200 * 1024 * 1024, minShortSide: 128, maxLongSide: 4096 };

const init = (over: Partial<Extract<UploadCommand, { type: "Init" }>> = {}): UploadCommand => ({
  type: "Init",
  uploadId: "upl_1",
  userId: "usr_ana",
  isAdmin: false,
  kind: UploadMediaKind.VIDEO,
  contentType: "video/mp4",
  sizeBytes: 1_000_000n,
  durationMs: 15_000,
  width: 1080,
  height: 1920,
  fps: 30,
  storageKey: "uploads/upl_1",
  ttlMs: HOUR,
  limits,
  at: t0,
  ...over,
});

const initiated = (kind = UploadMediaKind.VIDEO) =>
  event(UploadInitiatedSchema, {
    uploadId: "upl_1",
    userId: "usr_ana",
    kind,
    contentType: "video/mp4",
    sizeBytes: 1_000_000n,
    durationMs: 15_000,
    width: 1080,
    height: 1920,
    fps: 30,
    storageKey: "uploads/upl_1",
    expiresAt: ts(later(HOUR)),
    occurredAt: t0,
  });
const received = event(UploadReceivedSchema, { uploadId: "upl_1", userId: "usr_ana", sizeBytes: 1_000_000n, sha256: new Uint8Array(32), occurredAt: later(1000) });
const details = { videoId: "vid_1", caption: "hi", hashtags: ["hi"], privacy: VideoPrivacy.PUBLIC, duetEnabled: true, stitchEnabled: true, commentEnabled: true };
const complete = (at = later(2000), userId = "usr_ana"): UploadCommand => ({ type: "Complete", uploadId: "upl_1", userId, details, at });
const completed = event(UploadCompletedSchema, { ...details, uploadId: "upl_1", userId: "usr_ana", occurredAt: later(2000) });

describe("InitUpload", () => {
  it("declares the upload, expiring after the configured time", () => {
    spec.given([]).when(init()).then([initiated()]);
  });
  it("is a no-op when the same request comes again (its id names the upload)", () => {
    spec.given([initiated()]).when(init()).thenNothingHappened();
  });
  it.each([
    ["too short", { durationMs: 2000 }],
    ["too long", { durationMs: 61_000 }],
    ["too big", { sizeBytes: 201n * 1024n * 1024n }],
    ["too small a picture", { width: 100, height: 200 }],
    ["too large a picture", { width: 3000, height: 5000 }],
    ["a container outside the allowlist", { contentType: "video/x-msvideo" }],
    ["an image type for a video", { contentType: "image/png" }],
  ])("refuses a video %s", (_what, over) => {
    spec.given([]).when(init(over)).thenThrows(ValidationError);
  });
  it("takes audio tracks from admins only", () => {
    const audio = { kind: UploadMediaKind.AUDIO, contentType: "audio/mpeg", width: 0, height: 0, fps: 0, durationMs: 120_000 };
    spec.given([]).when(init(audio)).thenThrows(PermissionDeniedError);
    spec.given([]).when(init({ ...audio, isAdmin: true })).then([event(UploadInitiatedSchema, { ...initiated(), kind: UploadMediaKind.AUDIO, contentType: "audio/mpeg", width: 0, height: 0, fps: 0, durationMs: 120_000, occurredAt: t0 })]);
  });
});

describe("the bytes", () => {
  it("are received once, with the declared size", () => {
    spec.given([initiated()]).when({ type: "Receive", sizeBytes: 1_000_000n, sha256: new Uint8Array(32), at: later(1000) }).then([received]);
    spec.given([initiated(), received]).when({ type: "Receive", sizeBytes: 1_000_000n, sha256: new Uint8Array(32), at: later(1500) }).thenNothingHappened();
    spec.given([initiated()]).when({ type: "Receive", sizeBytes: 5n, sha256: new Uint8Array(32), at: later(1000) }).thenThrows(FailedPreconditionError);
  });
});

describe("CompleteUpload", () => {
  it("publishes a fully received video upload once", () => {
    spec.given([initiated(), received]).when(complete()).then([completed]);
  });
  it("refuses a second completion (another request)", () => {
    spec.given([initiated(), received, completed]).when(complete(later(3000))).thenThrows(FailedPreconditionError, (e) => expect(e.reason).toBe("already_completed"));
  });
  it("refuses before every byte arrived", () => {
    spec.given([initiated()]).when(complete()).thenThrows(FailedPreconditionError, (e) => expect(e.reason).toBe("incomplete"));
  });
  it("does not reveal someone else's upload", () => {
    spec.given([initiated(), received]).when(complete(later(2000), "usr_bob")).thenThrows(NotFoundError);
    spec.given([]).when(complete()).thenThrows(NotFoundError);
  });
  it("refuses an expired upload", () => {
    spec.given([initiated(), received]).when(complete(later(HOUR + 1))).thenThrows(FailedPreconditionError, (e) => expect(e.reason).toBe("expired"));
  });
  it("publishes only video uploads", () => {
    spec.given([initiated(UploadMediaKind.IMAGE), received]).when(complete()).thenThrows(FailedPreconditionError, (e) => expect(e.reason).toBe("not_video"));
  });
});

describe("expiry", () => {
  const expired = event(UploadExpiredSchema, { uploadId: "upl_1", userId: "usr_ana", occurredAt: later(HOUR) });
  it("expires an abandoned upload once it is due", () => {
    spec.given([initiated(), received]).when({ type: "Expire", at: later(HOUR) }).then([expired]);
    spec.given([initiated()]).when({ type: "Expire", at: later(HOUR - 1) }).thenNothingHappened();
  });
  it("leaves a completed upload alone", () => {
    spec.given([initiated(), received, completed]).when({ type: "Expire", at: later(2 * HOUR) }).thenNothingHappened();
  });
});
