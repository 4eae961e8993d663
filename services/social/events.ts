// Social graph events (proto/flick/events/v1/social.proto) as the kernel sees them.
// Streams: follow-<follower_id>-<followee_id> (one edge and its requests) and
// block-<blocker_id>-<blocked_id>: small streams, so no user's stream gets hot.
import { createRegistry } from "@bufbuild/protobuf";
import {
  file_flick_events_v1_social,
  type FollowApproved,
  type FollowDeclined,
  type Followed,
  type FollowRequestCancelled,
  type FollowRequested,
  type Unfollowed,
  type UserBlocked,
  type UserUnblocked,
} from "@flick/contracts/flick/events/v1/social_pb";
import { createProtobufCodec } from "@flick/kernel";
import { file_flick_events_v1_identity } from "@flick/contracts/flick/events/v1/identity_pb";
import { file_flick_events_v1_personal_data } from "@flick/contracts/flick/events/v1/personal_data_pb";
import type { IdentityEvent } from "../identity/events.js";

export type FollowEvent = FollowRequested | FollowApproved | FollowDeclined | FollowRequestCancelled | Followed | Unfollowed;
export type BlockEvent = UserBlocked | UserUnblocked;
export type SocialEvent = FollowEvent | BlockEvent;

const registry = createRegistry(file_flick_events_v1_social, file_flick_events_v1_identity, file_flick_events_v1_personal_data);

export const followCodec = createProtobufCodec<FollowEvent>(registry);
export const blockCodec = createProtobufCodec<BlockEvent>(registry);
/** Social and identity events: social projections also react to AccountDeleted. */
export const socialCodec = createProtobufCodec<SocialEvent | IdentityEvent>(registry);

export const socialStreams = {
  follow: (followerId: string, followeeId: string) => `follow-${followerId}-${followeeId}`,
  block: (blockerId: string, blockedId: string) => `block-${blockerId}-${blockedId}`,
};
