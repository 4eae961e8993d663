// Engagement's deciders, given/when/then.
import { CommentPostedSchema, ShareKind, SharePlatform, VideoLikedSchema, VideoViewedSchema, ViewSource } from "@flick/contracts/flick/events/v1/engagement_pb";
import { DeciderSpecification, FailedPreconditionError, NotFoundError, PermissionDeniedError, ValidationError } from "@flick/kernel";
import { describe, expect, it } from "vitest";
import { commentDecider } from "../commands/comment.decider.js";
import { likeDecider } from "../commands/like.decider.js";
import { findMentions } from "../commands/mentions.js";
import { shareDecider } from "../commands/share.decider.js";
import { viewDecider } from "../commands/view.decider.js";
import { derivedId, event } from "../events.js";

const at = new Date("2026-01-01T00:00:00Z");
const liked = event(VideoLikedSchema, { videoId: "v1", userId: "u1", videoCreatorId: "c1", occurredAt: at });

describe("like decider", () => {
  const spec = DeciderSpecification.for(likeDecider);
  const like = { type: "Like" as const, videoId: "v1", userId: "u1", videoCreatorId: "c1", at };
  it("likes a video not liked yet", () => spec.given([]).when(like).then([liked]));
  it("decides nothing for a like of a liked video", () => spec.given([liked]).when(like).thenNothingHappened());
  it("decides nothing for an unlike of a video not liked", () => spec.given([]).when({ ...like, type: "Unlike" }).thenNothingHappened());
  it("unlikes a liked video", () => {
    expect(likeDecider.decide({ ...like, type: "Unlike" }, likeDecider.evolve(likeDecider.initialState(), liked)).map((e) => e.$typeName)).toEqual([
      "flick.events.v1.VideoUnliked",
    ]);
  });
});

describe("view decider", () => {
  const spec = DeciderSpecification.for(viewDecider);
  const view = {
    type: "RecordView" as const,
    videoId: "v1",
    userId: "u1",
    anonymousSessionId: "",
    videoCreatorId: "c1",
    videoDurationMs: 10_000,
    watchTimeMs: 25_000,
    completionRatio: 9,
    source: ViewSource.FYP,
    impressionId: "",
    at,
  };
  it("records the server's own completion ratio", () =>
    spec.given([]).when(view).then([event(VideoViewedSchema, { ...view, completionRatio: 2.5, occurredAt: at })]));
  it("refuses more than ten plays of the video", () => spec.given([]).when({ ...view, watchTimeMs: 101_001 }).thenThrows(ValidationError));
  it("refuses negative watch time", () => spec.given([]).when({ ...view, watchTimeMs: -1 }).thenThrows(ValidationError));
  it("needs a viewer", () => spec.given([]).when({ ...view, userId: "" }).thenThrows(ValidationError));
  it("records an impression once", () => spec.given([event(VideoViewedSchema, { ...view, occurredAt: at })]).when(view).thenNothingHappened());
});

describe("share decider", () => {
  const spec = DeciderSpecification.for(shareDecider);
  const share = {
    type: "Share" as const,
    shareId: "shr_1",
    videoId: "v1",
    userId: "u1",
    videoCreatorId: "c1",
    videoPrivate: false,
    kind: ShareKind.INTERNAL,
    recipientUserId: "u2",
    platform: SharePlatform.UNSPECIFIED,
    platformName: "",
    at,
  };
  it("refuses a share to oneself", () => spec.given([]).when({ ...share, recipientUserId: "u1" }).thenThrows(FailedPreconditionError));
  it("refuses sharing a private video", () => spec.given([]).when({ ...share, videoPrivate: true }).thenThrows(FailedPreconditionError));
});

describe("comment decider", () => {
  const spec = DeciderSpecification.for(commentDecider);
  const post = {
    type: "Post" as const,
    commentId: "cmt_1",
    videoId: "v1",
    videoCreatorId: "c1",
    authorId: "a1",
    parentCommentId: "",
    replyToUserId: "x",
    text: "  hi @b  ",
    mentionedUserIds: ["b1", "b1", "a1"],
    at,
  };
  const posted = event(CommentPostedSchema, { ...post, text: "hi @b", replyToUserId: "", mentionedUserIds: ["b1"], occurredAt: at });
  it("stores trimmed text and distinct mentions, without the author", () => spec.given([]).when(post).then([posted]));
  it("refuses text that is empty once trimmed", () => spec.given([]).when({ ...post, text: " \n " }).thenThrows(ValidationError));
  it("refuses more than 500 characters", () => spec.given([]).when({ ...post, text: "😀".repeat(501) }).thenThrows(ValidationError));
  const del = (actorId: string, actorIsAdmin = false) => ({ type: "Delete" as const, commentId: "cmt_1", actorId, actorIsAdmin, at });
  it("lets the author, the creator and an admin delete", () => {
    for (const c of [del("a1"), del("c1"), del("z", true)]) expect(commentDecider.decide(c, commentDecider.evolve(commentDecider.initialState(), posted))).toHaveLength(1);
  });
  it("refuses anyone else", () => spec.given([posted]).when(del("z")).thenThrows(PermissionDeniedError));
  it("refuses a comment that does not exist", () => spec.given([]).when(del("a1")).thenThrows(NotFoundError));
});

describe("ids and mentions", () => {
  it("derives the same id for a retried request and different ids for different callers", () => {
    expect(derivedId("cmt", "u1", "req12345")).toBe(derivedId("cmt", "u1", "req12345"));
    expect(derivedId("cmt", "u1", "req12345")).not.toBe(derivedId("cmt", "u2", "req12345"));
    expect(derivedId("cmt", "u1", "req12345")).toMatch(/^cmt_[0-9A-Z]{26}$/);
  });
  it("finds @usernames by code point, not inside e-mail addresses, without a trailing full stop", () => {
    expect(findMentions("😀 @ana_b. mail x@y.com @z @bo.b")).toEqual([
      { username: "ana_b", start: 2, length: 6 },
      { username: "bo.b", start: 26, length: 5 },
    ]);
  });
});
