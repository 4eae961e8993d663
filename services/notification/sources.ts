// What lands in whose inbox: one entry per event type, turning the event into inbox
// changes. Adding a kind is adding an entry here (e.g. ChallengeInvited → a
// CHALLENGE_INVITATION notice when challenges land). Aggregated kinds name a group
// (recipient, kind, subject); the inbox joins a group's events within AGGREGATION_WINDOW.
// Nobody is notified of their own action, and the inbox drops notices across a block.
import type { Message } from "@bufbuild/protobuf";
import type { CommentDeleted, CommentLiked, CommentPosted, VideoLiked, VideoShared } from "@flick/contracts/flick/events/v1/engagement_pb";
import { ShareKind } from "@flick/contracts/flick/events/v1/engagement_pb";
import type { NotificationsRead } from "@flick/contracts/flick/events/v1/notification_pb";
import type { FollowApproved, Followed, FollowRequestCancelled, FollowRequested, UserBlocked, UserUnblocked } from "@flick/contracts/flick/events/v1/social_pb";
import { VideoRemixKind, type VideoPublished } from "@flick/contracts/flick/events/v1/video_pb";
import { NotificationKind } from "@flick/contracts/flick/notification/v1/notification_pb";

/** How long an aggregated entry keeps gathering actors after it opened. */
export const AGGREGATION_WINDOW_MS = 24 * 3600 * 1000;
export const PREVIEW_CHARS = 100;

export interface Notice {
  type: "notice";
  recipient: string;
  actor: string;
  kind: NotificationKind;
  /** Aggregated kinds: the group's subject key (with the kind). Absent: one entry per event. */
  group?: string;
  /** Lets a later event remove this entry (a deleted comment, a withdrawn request). */
  ref?: string;
  videoId?: string;
  commentId?: string;
  parentCommentId?: string;
  challengeId?: string;
  relatedVideoId?: string;
  previewText?: string;
}

export type InboxChange =
  | Notice
  /** Removes every entry recorded under `ref` (in any inbox). */
  | { type: "remove"; ref: string }
  | { type: "read"; recipient: string; upTo: string; ids: string[] }
  | { type: "block"; blocker: string; blocked: string; blocking: boolean };

const preview = (text: string) => [...text].slice(0, PREVIEW_CHARS).join("");
const commentRef = (commentId: string) => `comment|${commentId}`;
const requestRef = (follower: string, followee: string) => `follow_request|${follower}|${followee}`;

type Source = (e: Message) => InboxChange[];

export const SOURCES: Record<string, Source> = {
  "flick.events.v1.Followed": (m) => {
    const e = m as Followed;
    // Through a request the followee approved it themselves: FOLLOW_APPROVED tells the follower.
    if (e.viaRequest) return [];
    return [{ type: "notice", recipient: e.followeeId, actor: e.followerId, kind: NotificationKind.NEW_FOLLOWER, group: "new_follower" }];
  },
  "flick.events.v1.FollowRequested": (m) => {
    const e = m as FollowRequested;
    return [{ type: "notice", recipient: e.followeeId, actor: e.followerId, kind: NotificationKind.FOLLOW_REQUEST, ref: requestRef(e.followerId, e.followeeId) }];
  },
  "flick.events.v1.FollowRequestCancelled": (m) => {
    const e = m as FollowRequestCancelled;
    return [{ type: "remove", ref: requestRef(e.followerId, e.followeeId) }];
  },
  "flick.events.v1.FollowApproved": (m) => {
    const e = m as FollowApproved;
    return [
      { type: "remove", ref: requestRef(e.followerId, e.followeeId) },
      { type: "notice", recipient: e.followerId, actor: e.followeeId, kind: NotificationKind.FOLLOW_APPROVED },
    ];
  },
  "flick.events.v1.FollowDeclined": (m) => {
    const e = m as FollowRequestCancelled;
    return [{ type: "remove", ref: requestRef(e.followerId, e.followeeId) }];
  },
  "flick.events.v1.UserBlocked": (m) => {
    const e = m as UserBlocked;
    return [{ type: "block", blocker: e.blockerId, blocked: e.blockedId, blocking: true }];
  },
  "flick.events.v1.UserUnblocked": (m) => {
    const e = m as UserUnblocked;
    return [{ type: "block", blocker: e.blockerId, blocked: e.blockedId, blocking: false }];
  },
  "flick.events.v1.VideoLiked": (m) => {
    const e = m as VideoLiked;
    return [{ type: "notice", recipient: e.videoCreatorId, actor: e.userId, kind: NotificationKind.LIKE, group: `like|${e.videoId}`, videoId: e.videoId }];
  },
  "flick.events.v1.CommentLiked": (m) => {
    const e = m as CommentLiked;
    return [
      {
        type: "notice",
        recipient: e.commentAuthorId,
        actor: e.userId,
        kind: NotificationKind.COMMENT_LIKE,
        group: `comment_like|${e.commentId}`,
        videoId: e.videoId,
        commentId: e.commentId,
      },
    ];
  },
  "flick.events.v1.CommentPosted": (m) => {
    const e = m as CommentPosted;
    const base = { type: "notice" as const, actor: e.authorId, videoId: e.videoId, commentId: e.commentId, previewText: preview(e.text), ref: commentRef(e.commentId) };
    const out: Notice[] = e.parentCommentId
      ? [{ ...base, recipient: e.replyToUserId, kind: NotificationKind.REPLY, parentCommentId: e.parentCommentId }]
      : [{ ...base, recipient: e.videoCreatorId, kind: NotificationKind.COMMENT }];
    // One notice per person per comment: a mention of someone already told is left out.
    const told = new Set(out.map((n) => n.recipient));
    for (const user of e.mentionedUserIds) {
      if (told.has(user)) continue;
      told.add(user);
      out.push({ ...base, recipient: user, kind: NotificationKind.MENTION, parentCommentId: e.parentCommentId || undefined });
    }
    return out;
  },
  "flick.events.v1.CommentDeleted": (m) => [{ type: "remove", ref: commentRef((m as CommentDeleted).commentId) }],
  "flick.events.v1.VideoShared": (m) => {
    const e = m as VideoShared;
    if (e.kind !== ShareKind.INTERNAL || !e.recipientUserId) return [];
    return [{ type: "notice", recipient: e.recipientUserId, actor: e.userId, kind: NotificationKind.SHARE, videoId: e.videoId }];
  },
  "flick.events.v1.VideoPublished": (m) => {
    const e = m as VideoPublished;
    const out: Notice[] = e.mentionedUserIds.map((user) => ({
      type: "notice",
      recipient: user,
      actor: e.userId,
      kind: NotificationKind.MENTION,
      videoId: e.videoId,
      previewText: preview(e.caption),
    }));
    const remix = e.remix;
    if (remix && remix.kind !== VideoRemixKind.UNSPECIFIED && remix.sourceCreatorId) {
      const kind = remix.kind === VideoRemixKind.DUET ? NotificationKind.DUET : NotificationKind.STITCH;
      out.push({
        type: "notice",
        recipient: remix.sourceCreatorId,
        actor: e.userId,
        kind,
        group: `${kind === NotificationKind.DUET ? "duet" : "stitch"}|${remix.sourceVideoId}`,
        videoId: remix.sourceVideoId,
        relatedVideoId: e.videoId,
      });
    }
    return out;
  },
  "flick.events.v1.NotificationsRead": (m) => {
    const e = m as NotificationsRead;
    return [{ type: "read", recipient: e.userId, upTo: e.upToUpdateId, ids: [...e.notificationIds] }];
  },
};

export const SOURCE_TYPES = Object.keys(SOURCES);
