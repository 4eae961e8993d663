// The live stream's resume token: a position in the activity log (the update id of the
// last row the stream has accounted for, and the bucket from which rows after it are
// filed). Opaque to clients; a token older than the resume window is refused with
// FAILED_PRECONDITION, a malformed one with INVALID_ARGUMENT.
import { FailedPreconditionError, ValidationError } from "@flick/kernel";
import { BUCKET_MS, bucketOf } from "../projections/following-activity.projection.js";
import type { LogPosition } from "./activity-tail.js";

const FORMAT = /^w1\.(\d{1,10})\.((?:\d{20}-\d{20}-\d{2})?)$/;

export function encodeResumeToken(p: LogPosition): string {
  return Buffer.from(`w1.${p.bucket}.${p.updateId}`, "utf8").toString("base64url");
}

export function decodeResumeToken(token: string, now: Date, windowMs: number): LogPosition {
  const m = /^[A-Za-z0-9_-]+$/.test(token) ? FORMAT.exec(Buffer.from(token, "base64url").toString("utf8")) : null;
  if (!m) throw ValidationError.field("resume_token", "not a resume token of this stream");
  const position = { bucket: Number(m[1]), updateId: m[2]! };
  if (position.bucket > bucketOf(now.getTime()) + 1) throw ValidationError.field("resume_token", "not a resume token of this stream");
  if ((bucketOf(now.getTime()) - position.bucket) * BUCKET_MS > windowMs) {
    throw new FailedPreconditionError("resume_token is older than the kept history: reload with GetFollowingFeed and reconnect without it", "RESUME_TOKEN_EXPIRED");
  }
  return position;
}
