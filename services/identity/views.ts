// Read models and account state → API messages. What a viewer may see of a profile is
// decided here, once: a user who blocked the viewer is never shown (callers answer
// NOT_FOUND); a user the viewer blocked shows only their name (to unblock them);
// a private account hides its content from everyone but the owner and approved followers.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ProfileSchema, UserSummarySchema, type Profile, type UserSummary } from "@flick/contracts/flick/identity/v1/identity_pb";
import type { FollowCounts, Relation } from "../social/relations.js";
import type { AccountState } from "./commands/account.decider.js";
import type { ProfileRow } from "./projections/profiles.projection.js";

/** The profile fields every view starts from: a read-model row or the account's state. */
export interface ProfileData {
  userId: string;
  username: string;
  displayName: string;
  avatarUrl: string;
  verified: boolean;
  bio: string;
  profileVideoId: string;
  privateAccount: boolean;
  createdAt: Date | undefined;
}

export const fromRow = (row: ProfileRow): ProfileData => ({
  userId: row.user_id,
  username: row.username ?? "",
  displayName: row.display_name ?? "",
  avatarUrl: row.avatar_url ?? "",
  verified: row.verified ?? false,
  bio: row.bio ?? "",
  profileVideoId: row.profile_video_id ?? "",
  privateAccount: row.private_account ?? false,
  createdAt: row.created_at ?? undefined,
});

export const fromState = (s: AccountState): ProfileData => ({
  userId: s.userId,
  username: s.username,
  displayName: s.displayName,
  avatarUrl: s.avatarUrl,
  verified: s.verified,
  bio: s.bio,
  profileVideoId: s.profileVideoId,
  privateAccount: s.privateAccount,
  createdAt: s.createdAt,
});

export function toSummary(p: ProfileData): UserSummary {
  return create(UserSummarySchema, {
    userId: p.userId,
    username: p.username,
    displayName: p.displayName || p.username,
    avatarUrl: p.avatarUrl,
    verified: p.verified,
  });
}

export interface ProfileExtras {
  counts: FollowCounts;
  likesReceived: number;
  videoCount: number;
}

export function toProfile(p: ProfileData, viewerId: string | undefined, relation: Relation, extras: ProfileExtras): Profile {
  const owner = viewerId === p.userId;
  const { userId, username, displayName, avatarUrl, verified } = toSummary(p);
  const base = { userId, username, displayName, avatarUrl, verified, privateAccount: p.privateAccount, createdAt: p.createdAt && timestampFromDate(p.createdAt) };
  if (!owner && (relation.viewerBlocked || relation.blockedByTarget)) {
    // Across a block only the name shows (the blocker needs it to unblock).
    return create(ProfileSchema, { ...base, viewerBlocked: relation.viewerBlocked });
  }
  const contentVisible = owner || !p.privateAccount || relation.viewerFollows;
  return create(ProfileSchema, {
    ...base,
    bio: p.bio,
    profileVideoId: contentVisible ? p.profileVideoId : "",
    followerCount: BigInt(extras.counts.followers),
    followingCount: BigInt(extras.counts.following),
    likesReceivedCount: BigInt(extras.likesReceived),
    videoCount: BigInt(extras.videoCount),
    viewerFollows: !owner && relation.viewerFollows,
    followsViewer: !owner && relation.followsViewer,
    followRequested: !owner && relation.followRequested,
    viewerBlocked: false,
    contentVisible,
  });
}
