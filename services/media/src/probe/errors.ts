// Why an upload was refused, in words an uploader can act on. A job failing with one of
// these is poisoned (retrying cannot help): the worker records the reason and stops.

export type RejectReason =
  | "NOT_MEDIA"
  | "NO_VIDEO"
  | "CORRUPT"
  | "IMAGE_NOT_VIDEO"
  | "UNSUPPORTED_FORMAT"
  | "TOO_SHORT"
  | "TOO_LONG"
  | "TOO_LARGE"
  | "RESOLUTION_TOO_LOW"
  | "RESOLUTION_TOO_HIGH"
  | "INVALID_EFFECT"
  /** The file is not what InitUpload declared (size, duration or frame size). */
  | "METADATA_MISMATCH";

export class MediaRejectedError extends Error {
  override name = "MediaRejectedError";
  /** Never worth retrying: the same bytes give the same answer. */
  readonly retriable = false;
  constructor(
    readonly reason: RejectReason,
    /** Shown to the uploader. */
    readonly userMessage: string,
    /** For logs: what the tools said. */
    readonly detail?: string,
  ) {
    super(`${reason}: ${userMessage}${detail ? ` (${detail})` : ""}`);
  }
}
