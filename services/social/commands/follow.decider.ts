// One follow edge (stream follow-<follower>-<followee>): none → requested (private
// account) → following, and back. Every edge that comes into being is a Followed (also
// after FollowApproved), every edge that goes away an Unfollowed with its reason, so
// consumers that only care about the graph need just those two.
import {
  FollowApprovedSchema,
  FollowDeclinedSchema,
  FollowedSchema,
  FollowRequestCancelledSchema,
  FollowRequestClosure,
  FollowRequestedSchema,
  UnfollowedSchema,
  UnfollowReason,
} from "@flick/contracts/flick/events/v1/social_pb";
import { NotFoundError, ValidationError, type Decider } from "@flick/kernel";
import { event } from "../../identity/events.js";
import type { FollowEvent } from "../events.js";

export interface Edge {
  followerId: string;
  followeeId: string;
}

export interface FollowState {
  status: "none" | "requested" | "following";
}

export type FollowCommand = Edge &
  (
    | { type: "Follow"; followeePrivate: boolean; at: Date }
    | { type: "Unfollow"; reason: UnfollowReason.UNFOLLOWED | UnfollowReason.REMOVED_BY_FOLLOWEE; at: Date }
    | { type: "Approve"; byGoingPublic: boolean; at: Date }
    | { type: "Decline"; at: Date }
    | { type: "Cancel"; at: Date }
    /** A block or an account deletion ends the edge, or its pending request. */
    | { type: "Sever"; cause: "blocked" | "account_deleted"; at: Date }
  );

export const followDecider: Decider<FollowCommand, FollowState, FollowEvent> = {
  initialState: () => ({ status: "none" }),

  evolve(state, e) {
    switch (e.$typeName) {
      case "flick.events.v1.FollowRequested":
        return { status: "requested" };
      case "flick.events.v1.Followed":
        return { status: "following" };
      case "flick.events.v1.FollowApproved":
        return state; // the Followed right after it makes the edge
      case "flick.events.v1.FollowDeclined":
      case "flick.events.v1.FollowRequestCancelled":
      case "flick.events.v1.Unfollowed":
        return { status: "none" };
    }
  },

  decide(command, state) {
    const ids = { followerId: command.followerId, followeeId: command.followeeId };
    const at = command.at;
    const followed = (viaRequest: boolean) => event(FollowedSchema, { ...ids, viaRequest, occurredAt: at });
    const approved = (byGoingPublic: boolean) => [event(FollowApprovedSchema, { ...ids, byGoingPublic, occurredAt: at }), followed(true)];
    switch (command.type) {
      case "Follow":
        if (command.followerId === command.followeeId) throw ValidationError.field("user_id", "you cannot follow yourself");
        if (state.status === "following") return [];
        // A request still pending while the account has gone public is approved now.
        if (state.status === "requested") return command.followeePrivate ? [] : approved(true);
        return command.followeePrivate ? [event(FollowRequestedSchema, { ...ids, occurredAt: at })] : [followed(false)];
      case "Unfollow":
        return state.status === "following" ? [event(UnfollowedSchema, { ...ids, reason: command.reason, occurredAt: at })] : [];
      case "Approve":
        if (state.status === "following") return [];
        if (state.status !== "requested") throw new NotFoundError("follow request from", command.followerId);
        return approved(command.byGoingPublic);
      case "Decline":
        if (state.status !== "requested") throw new NotFoundError("follow request from", command.followerId);
        return [event(FollowDeclinedSchema, { ...ids, occurredAt: at })];
      case "Cancel":
        return state.status === "requested"
          ? [event(FollowRequestCancelledSchema, { ...ids, reason: FollowRequestClosure.CANCELLED, occurredAt: at })]
          : [];
      case "Sever": {
        const blocked = command.cause === "blocked";
        if (state.status === "following") {
          return [event(UnfollowedSchema, { ...ids, reason: blocked ? UnfollowReason.BLOCKED : UnfollowReason.ACCOUNT_DELETED, occurredAt: at })];
        }
        if (state.status === "requested") {
          const reason = blocked ? FollowRequestClosure.BLOCKED : FollowRequestClosure.ACCOUNT_DELETED;
          return [event(FollowRequestCancelledSchema, { ...ids, reason, occurredAt: at })];
        }
        return [];
      }
    }
  },
};
