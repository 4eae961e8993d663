import {
  FollowApprovedSchema,
  FollowDeclinedSchema,
  FollowedSchema,
  FollowRequestCancelledSchema,
  FollowRequestClosure,
  FollowRequestedSchema,
  UnfollowedSchema,
  UnfollowReason,
  UserBlockedSchema,
  UserUnblockedSchema,
} from "@flick/contracts/flick/events/v1/social_pb";
import { DeciderSpecification, NotFoundError, ValidationError } from "@flick/kernel";
import { describe, it } from "vitest";
import { event } from "../../identity/events.js";
import { blockDecider } from "../commands/block.decider.js";
import { followDecider } from "../commands/follow.decider.js";

const at = new Date("2026-03-01T10:00:00Z");
const ids = { followerId: "usr_a", followeeId: "usr_b" };
const spec = DeciderSpecification.for(followDecider);
const followed = event(FollowedSchema, { ...ids, viaRequest: false, occurredAt: at });
const requested = event(FollowRequestedSchema, { ...ids, occurredAt: at });
const approved = (byGoingPublic: boolean) => [
  event(FollowApprovedSchema, { ...ids, byGoingPublic, occurredAt: at }),
  event(FollowedSchema, { ...ids, viaRequest: true, occurredAt: at }),
];

describe("follow decider", () => {
  it("follows a public account at once", () => spec.given([]).when({ type: "Follow", ...ids, followeePrivate: false, at }).then([followed]));

  it("asks to follow a private account", () => spec.given([]).when({ type: "Follow", ...ids, followeePrivate: true, at }).then([requested]));

  it("is idempotent: following twice changes nothing", () =>
    spec.given([followed]).when({ type: "Follow", ...ids, followeePrivate: false, at }).thenNothingHappened());

  it("refuses to follow oneself", () =>
    spec.given([]).when({ type: "Follow", followerId: "usr_a", followeeId: "usr_a", followeePrivate: false, at }).thenThrows(ValidationError));

  it("approves a pending request when the account has gone public", () =>
    spec.given([requested]).when({ type: "Follow", ...ids, followeePrivate: false, at }).then(approved(true)));

  it("approves a request into a follow", () => spec.given([requested]).when({ type: "Approve", ...ids, byGoingPublic: false, at }).then(approved(false)));

  it("approving an approved request succeeds and changes nothing", () =>
    spec.given([requested, ...approved(false)]).when({ type: "Approve", ...ids, byGoingPublic: false, at }).thenNothingHappened());

  it("cannot approve or decline a request that does not exist", () => {
    spec.given([]).when({ type: "Approve", ...ids, byGoingPublic: false, at }).thenThrows(NotFoundError);
    spec.given([]).when({ type: "Decline", ...ids, at }).thenThrows(NotFoundError);
  });

  it("declines a request", () => spec.given([requested]).when({ type: "Decline", ...ids, at }).then([event(FollowDeclinedSchema, { ...ids, occurredAt: at })]));

  it("cancels one's own request; cancelling none is a no-op", () => {
    spec
      .given([requested])
      .when({ type: "Cancel", ...ids, at })
      .then([event(FollowRequestCancelledSchema, { ...ids, reason: FollowRequestClosure.CANCELLED, occurredAt: at })]);
    spec.given([]).when({ type: "Cancel", ...ids, at }).thenNothingHappened();
  });

  it("unfollows, and unfollowing again is a no-op", () => {
    const unfollowed = event(UnfollowedSchema, { ...ids, reason: UnfollowReason.UNFOLLOWED, occurredAt: at });
    spec.given([followed]).when({ type: "Unfollow", ...ids, reason: UnfollowReason.UNFOLLOWED, at }).then([unfollowed]);
    spec.given([followed, unfollowed]).when({ type: "Unfollow", ...ids, reason: UnfollowReason.UNFOLLOWED, at }).thenNothingHappened();
  });

  it("severs an edge or a pending request on a block, with the reason", () => {
    spec
      .given([followed])
      .when({ type: "Sever", ...ids, cause: "blocked", at })
      .then([event(UnfollowedSchema, { ...ids, reason: UnfollowReason.BLOCKED, occurredAt: at })]);
    spec
      .given([requested])
      .when({ type: "Sever", ...ids, cause: "account_deleted", at })
      .then([event(FollowRequestCancelledSchema, { ...ids, reason: FollowRequestClosure.ACCOUNT_DELETED, occurredAt: at })]);
    spec.given([]).when({ type: "Sever", ...ids, cause: "blocked", at }).thenNothingHappened();
  });
});

describe("block decider", () => {
  const block = DeciderSpecification.for(blockDecider);
  const b = { blockerId: "usr_a", blockedId: "usr_b", at };
  const blocked = event(UserBlockedSchema, { blockerId: "usr_a", blockedId: "usr_b", occurredAt: at });

  it("blocks once", () => {
    block.given([]).when({ type: "Block", ...b }).then([blocked]);
    block.given([blocked]).when({ type: "Block", ...b }).thenNothingHappened();
  });

  it("refuses to block oneself", () => block.given([]).when({ type: "Block", blockerId: "usr_a", blockedId: "usr_a", at }).thenThrows(ValidationError));

  it("unblocks; unblocking someone not blocked is a no-op", () => {
    block.given([blocked]).when({ type: "Unblock", ...b }).then([event(UserUnblockedSchema, { blockerId: "usr_a", blockedId: "usr_b", occurredAt: at })]);
    block.given([]).when({ type: "Unblock", ...b }).thenNothingHappened();
  });
});
