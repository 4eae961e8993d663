// Video events (proto/flick/events/v1/video.proto) as the kernel sees them: one protobuf
// codec for the context, the stream names, and small helpers to build events.
//
// Streams: upload-<upload_id> (UploadInitiated … UploadCompleted/UploadExpired) and
// video-<video_id> (UploadCompleted again as its first event, then processing, publishing,
// edits, deletion). An imported video's stream starts with VideoPublished.
import { createHash } from "node:crypto";
import { create, createRegistry, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { file_flick_events_v1_sound, type SoundCreated, type SoundSaved, type SoundUnsaved } from "@flick/contracts/flick/events/v1/sound_pb";
import {
  file_flick_events_v1_video,
  type UploadCompleted,
  type UploadExpired,
  type UploadInitiated,
  type UploadReceived,
  type VideoDeleted,
  type VideoProcessingFailed,
  type VideoProcessingProgressed,
  type VideoProcessingStarted,
  type VideoPublished,
  type VideoUpdated,
} from "@flick/contracts/flick/events/v1/video_pb";
import { createProtobufCodec } from "@flick/kernel";

export const mediaRegistry = createRegistry(file_flick_events_v1_video, file_flick_events_v1_sound);

export type UploadEvent = UploadInitiated | UploadReceived | UploadCompleted | UploadExpired;
export type VideoEvent =
  | UploadCompleted
  | VideoProcessingStarted
  | VideoProcessingProgressed
  | VideoPublished
  | VideoProcessingFailed
  | VideoUpdated
  | VideoDeleted;
export type SoundEvent = SoundCreated | SoundSaved | SoundUnsaved;
export type MediaEvent = UploadEvent | VideoEvent | SoundEvent;

export const uploadCodec = createProtobufCodec<UploadEvent>(mediaRegistry);
export const videoCodec = createProtobufCodec<VideoEvent>(mediaRegistry);
/** Every video and sound event: what the read models of this issue decode. */
export const mediaCodec = createProtobufCodec<MediaEvent>(mediaRegistry);

export const streams = {
  upload: (uploadId: string) => `upload-${uploadId}`,
  video: (videoId: string) => `video-${videoId}`,
};

/** Builds an event message; `occurredAt` (and other timestamps) are given as Dates. */
export function event<Desc extends DescMessage>(
  schema: Desc,
  init: Omit<MessageInitShape<Desc>, "occurredAt" | "$typeName"> & { occurredAt: Date },
) {
  return create(schema, { ...init, occurredAt: timestampFromDate(init.occurredAt) } as unknown as MessageInitShape<Desc>);
}

export const toDate = (t: Timestamp | undefined): Date => (t ? timestampDate(t) : new Date(0));
export const ts = (d: Date): Timestamp => timestampFromDate(d);

/** Blob-store keys: where each piece of a video lives (never URLs: hosts change). */
export const blobKeys = {
  upload: (uploadId: string) => `uploads/${uploadId}`,
  videoPrefix: (videoId: string) => `videos/${videoId}/`,
  soundPrefix: (soundId: string) => `sounds/${soundId}/`,
  soundAudio: (soundId: string, ext = "m4a") => `sounds/${soundId}/audio.${ext}`,
};

/** An original sound's id follows from its video's: a retried job creates the same sound. */
export const originalSoundId = (videoId: string) => `snd_${videoId.slice(videoId.indexOf("_") + 1)}`;

// Crockford's base32, as the kernel's ids use.
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * An id that follows from its inputs (prefix + 26 base32 characters of a SHA-256): a
 * retried InitUpload with the same request id names the same upload.
 */
export function derivedId(prefix: string, ...parts: string[]): string {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest();
  let n = 0n;
  for (const b of digest.subarray(0, 16)) n = (n << 8n) | BigInt(b);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return `${prefix}_${out}`;
}
