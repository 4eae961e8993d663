// The upload aggregate (stream upload-<upload_id>): a declared file, its bytes arriving,
// and at most one completion (the video made from it) before it expires. The limits come
// in with the command (configuration), the clock too, so decide stays pure.
import {
  UploadCompletedSchema,
  UploadExpiredSchema,
  UploadInitiatedSchema,
  UploadMediaKind,
  UploadReceivedSchema,
  type UploadCompleted,
} from "@flick/contracts/flick/events/v1/video_pb";
import { FailedPreconditionError, NotFoundError, PermissionDeniedError, ValidationError, type Decider, type FieldViolation } from "@flick/kernel";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { event, toDate, ts, type UploadEvent } from "../events.js";

export interface UploadLimits {
  minDurationMs: number;
  maxDurationMs: number;
  /** Audio tracks for the library may be longer than recordings. */
  maxAudioDurationMs: number;
  maxBytes: number;
  minShortSide: number;
  maxLongSide: number;
}

/** Content types per kind: the container allowlist (protovalidate says the same at the edge). */
export const CONTENT_TYPES: Record<UploadMediaKind, readonly string[]> = {
  [UploadMediaKind.UNSPECIFIED]: [],
  [UploadMediaKind.VIDEO]: ["video/mp4", "video/quicktime", "video/webm"],
  [UploadMediaKind.IMAGE]: ["image/jpeg", "image/png", "image/webp"],
  [UploadMediaKind.AUDIO]: ["audio/mpeg", "audio/mp4", "audio/aac", "audio/wav"],
};

export type UploadStatus = "none" | "initiated" | "received" | "completed" | "expired";

export interface UploadState {
  status: UploadStatus;
  uploadId: string;
  userId: string;
  kind: UploadMediaKind;
  contentType: string;
  sizeBytes: bigint;
  durationMs: number;
  /** Declared frame size (0 for audio). */
  width: number;
  height: number;
  storageKey: string;
  expiresAt: Date;
  receivedBytes: bigint;
  /** Set once completed. */
  videoId: string;
}

/** What CompleteUpload attaches to the video; checked and resolved by the service (I/O). */
export type CompletionDetails = Omit<MessageInitShape<typeof UploadCompletedSchema>, "$typeName" | "uploadId" | "userId" | "occurredAt">;

export type UploadCommand =
  | {
      type: "Init";
      uploadId: string;
      userId: string;
      isAdmin: boolean;
      kind: UploadMediaKind;
      contentType: string;
      sizeBytes: bigint;
      durationMs: number;
      width: number;
      height: number;
      fps: number;
      storageKey: string;
      ttlMs: number;
      limits: UploadLimits;
      at: Date;
    }
  /** The upload endpoint saw the last byte. */
  | { type: "Receive"; sizeBytes: bigint; sha256: Uint8Array; at: Date }
  | { type: "Complete"; uploadId: string; userId: string; details: CompletionDetails; at: Date }
  /** The sweeper found it abandoned. */
  | { type: "Expire"; at: Date };

export const initialUploadState = (): UploadState => ({
  status: "none",
  uploadId: "",
  userId: "",
  kind: UploadMediaKind.UNSPECIFIED,
  contentType: "",
  sizeBytes: 0n,
  durationMs: 0,
  width: 0,
  height: 0,
  storageKey: "",
  expiresAt: new Date(0),
  receivedBytes: 0n,
  videoId: "",
});

function checkLimits(c: Extract<UploadCommand, { type: "Init" }>): void {
  const v: FieldViolation[] = [];
  const { limits } = c;
  if (!CONTENT_TYPES[c.kind]?.includes(c.contentType)) {
    v.push({ field: "content_type", description: `${c.contentType} is not accepted for this kind (use ${CONTENT_TYPES[c.kind]?.join(", ")})` });
  }
  if (c.sizeBytes <= 0n || c.sizeBytes > BigInt(limits.maxBytes)) {
    v.push({ field: "size_bytes", description: `must be between 1 byte and ${Math.floor(limits.maxBytes / 1024 / 1024)} MB` });
  }
  if (c.kind === UploadMediaKind.VIDEO && (c.durationMs < limits.minDurationMs || c.durationMs > limits.maxDurationMs)) {
    v.push({ field: "duration_ms", description: `a video must be ${limits.minDurationMs / 1000}–${limits.maxDurationMs / 1000} s long` });
  }
  if (c.kind === UploadMediaKind.AUDIO && (c.durationMs <= 0 || c.durationMs > limits.maxAudioDurationMs)) {
    v.push({ field: "duration_ms", description: `an audio track must be at most ${limits.maxAudioDurationMs / 1000} s long` });
  }
  if (c.kind !== UploadMediaKind.AUDIO) {
    const short = Math.min(c.width, c.height);
    const long = Math.max(c.width, c.height);
    if (short < limits.minShortSide) v.push({ field: "width", description: `the short side must be at least ${limits.minShortSide} pixels` });
    if (long > limits.maxLongSide) v.push({ field: "height", description: `the long side must be at most ${limits.maxLongSide} pixels` });
  }
  if (v.length) throw new ValidationError(v);
}

export const uploadDecider: Decider<UploadCommand, UploadState, UploadEvent> = {
  initialState: initialUploadState,

  evolve(state, e) {
    switch (e.$typeName) {
      case "flick.events.v1.UploadInitiated":
        return {
          ...state,
          status: "initiated",
          uploadId: e.uploadId,
          userId: e.userId,
          kind: e.kind,
          contentType: e.contentType,
          sizeBytes: e.sizeBytes,
          durationMs: e.durationMs,
          width: e.width,
          height: e.height,
          storageKey: e.storageKey,
          expiresAt: toDate(e.expiresAt),
        };
      case "flick.events.v1.UploadReceived":
        return { ...state, status: "received", receivedBytes: e.sizeBytes };
      case "flick.events.v1.UploadCompleted":
        return { ...state, status: "completed", videoId: e.videoId };
      case "flick.events.v1.UploadExpired":
        return { ...state, status: "expired" };
    }
  },

  decide(c, s) {
    switch (c.type) {
      case "Init": {
        if (s.status !== "none") return []; // the same request again (its id names the upload)
        if (c.kind === UploadMediaKind.AUDIO && !c.isAdmin) throw new PermissionDeniedError("audio uploads are for the sound library (admins only)");
        checkLimits(c);
        return [
          event(UploadInitiatedSchema, {
            uploadId: c.uploadId,
            userId: c.userId,
            kind: c.kind,
            contentType: c.contentType,
            sizeBytes: c.sizeBytes,
            durationMs: c.durationMs,
            width: c.width,
            height: c.height,
            fps: c.fps,
            storageKey: c.storageKey,
            expiresAt: ts(new Date(c.at.getTime() + c.ttlMs)),
            occurredAt: c.at,
          }),
        ];
      }
      case "Receive": {
        if (s.status === "none") throw new NotFoundError("upload", s.uploadId);
        if (s.status !== "initiated") return [];
        if (c.sizeBytes !== s.sizeBytes) {
          throw new FailedPreconditionError(`received ${c.sizeBytes} bytes, declared ${s.sizeBytes}`, "size_mismatch");
        }
        return [event(UploadReceivedSchema, { uploadId: s.uploadId, userId: s.userId, sizeBytes: c.sizeBytes, sha256: c.sha256, occurredAt: c.at })];
      }
      case "Complete": {
        // Another user's upload does not exist as far as the caller can tell.
        if (s.status === "none" || s.userId !== c.userId) throw new NotFoundError("upload", c.uploadId);
        if (s.status === "completed") throw new FailedPreconditionError("the upload was already completed", "already_completed");
        if (s.status === "expired" || c.at >= s.expiresAt) throw new FailedPreconditionError("the upload has expired", "expired");
        if (s.kind !== UploadMediaKind.VIDEO) throw new FailedPreconditionError("only a video upload can be published", "not_video");
        if (s.status !== "received") throw new FailedPreconditionError("the upload's bytes have not all arrived yet", "incomplete");
        return [event(UploadCompletedSchema, { ...c.details, uploadId: s.uploadId, userId: s.userId, occurredAt: c.at })];
      }
      case "Expire": {
        if (s.status !== "initiated" && s.status !== "received") return [];
        if (c.at < s.expiresAt) return [];
        return [event(UploadExpiredSchema, { uploadId: s.uploadId, userId: s.userId, occurredAt: c.at })];
      }
    }
  },
};

export type { UploadCompleted };
