// Engagement's events (proto/flick/events/v1/engagement.proto) as the kernel sees them:
// one protobuf codec, the stream names, and ids derived from a request.
//
// Streams are small so that no video's stream gets hot: like-<video>-<user>,
// save-<video>-<user>, share-<share_id>, view-<view_id> (one per impression, see
// commands/view.decider.ts), comment-<comment_id>, comment-like-<comment>-<user>.
import { createHash } from "node:crypto";
import { create, createRegistry, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import {
  file_flick_events_v1_engagement,
  type CommentDeleted,
  type CommentLiked,
  type CommentPosted,
  type CommentUnliked,
  type VideoLiked,
  type VideoSaved,
  type VideoShared,
  type VideoUnliked,
  type VideoUnsaved,
  type VideoViewed,
} from "@flick/contracts/flick/events/v1/engagement_pb";
import { createProtobufCodec } from "@flick/kernel";

export const engagementRegistry = createRegistry(file_flick_events_v1_engagement);

export type LikeEvent = VideoLiked | VideoUnliked;
export type SaveEvent = VideoSaved | VideoUnsaved;
export type CommentEvent = CommentPosted | CommentDeleted;
export type CommentLikeEvent = CommentLiked | CommentUnliked;
export type EngagementEvent = LikeEvent | SaveEvent | VideoShared | VideoViewed | CommentEvent | CommentLikeEvent;

export const engagementCodec = createProtobufCodec<EngagementEvent>(engagementRegistry);
export const likeCodec = createProtobufCodec<LikeEvent>(engagementRegistry);
export const saveCodec = createProtobufCodec<SaveEvent>(engagementRegistry);
export const shareCodec = createProtobufCodec<VideoShared>(engagementRegistry);
export const viewCodec = createProtobufCodec<VideoViewed>(engagementRegistry);
export const commentCodec = createProtobufCodec<CommentEvent>(engagementRegistry);
export const commentLikeCodec = createProtobufCodec<CommentLikeEvent>(engagementRegistry);

export const engagementStreams = {
  like: (videoId: string, userId: string) => `like-${videoId}-${userId}`,
  save: (videoId: string, userId: string) => `save-${videoId}-${userId}`,
  share: (shareId: string) => `share-${shareId}`,
  view: (viewId: string) => `view-${viewId}`,
  comment: (commentId: string) => `comment-${commentId}`,
  commentLike: (commentId: string, userId: string) => `comment-like-${commentId}-${userId}`,
};

/** Stream categories engagement writes (the part before the first '-'). */
export const ENGAGEMENT_CATEGORIES = ["like", "save", "share", "view", "comment"];

/**
 * A resource id derived from who asked and their request id, e.g. "cmt_1X…": a retried
 * CreateComment or ShareVideo lands on the same stream and is answered from it instead
 * of creating a second comment or share. The caller is part of the input, so one user's
 * request ids can never address another user's resources.
 */
export function derivedId(prefix: string, actor: string, requestId: string): string {
  const digest = createHash("sha256").update(`${prefix}\u0000${actor}\u0000${requestId}`).digest();
  let n = 0n;
  for (const b of digest.subarray(0, 16)) n = (n << 8n) | BigInt(b);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return `${prefix}_${out}`;
}
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Builds an event message; `occurredAt` is given as a Date. */
export function event<Desc extends DescMessage>(
  schema: Desc,
  init: Omit<MessageInitShape<Desc>, "occurredAt" | "$typeName"> & { occurredAt: Date },
) {
  return create(schema, { ...init, occurredAt: timestampFromDate(init.occurredAt) } as unknown as MessageInitShape<Desc>);
}

export const toDate = (t: Timestamp | undefined): Date => (t ? timestampDate(t) : new Date(0));
