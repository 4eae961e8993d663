// SocialGraphService: thin Connect handlers, proto in, command or query out.
import type { ServiceImpl } from "@connectrpc/connect";
import type { SocialGraphService } from "@flick/contracts/flick/social/v1/social_graph_service_pb";
import { signedIn, viewerOf } from "../identity/caller.js";
import { block, unblock } from "./commands/block.command.js";
import {
  approveFollowRequest,
  cancelFollowRequest,
  declineFollowRequest,
  follow,
  removeFollower,
  unfollow,
} from "./commands/follow.command.js";
import { listBlockedUsers } from "./queries/blocked-users.query.js";
import { listFollowers, listFollowing, listFriends } from "./queries/connections.query.js";
import { listFollowRequests, listSentFollowRequests } from "./queries/follow-requests.query.js";
import type { SocialContext } from "./social.context.js";

export function socialService(ctx: SocialContext): ServiceImpl<typeof SocialGraphService> {
  return {
    async follow(req, c) {
      return { status: await follow(ctx, signedIn(c), req.requestId, req.userId) };
    },
    async unfollow(req, c) {
      await unfollow(ctx, signedIn(c), req.requestId, req.userId);
      return {};
    },
    async listFollowers(req, c) {
      const page = await listFollowers(ctx, viewerOf(c), req.userId, req.limit, req.cursor);
      return { followers: page.items, nextCursor: page.nextCursor };
    },
    async listFollowing(req, c) {
      const page = await listFollowing(ctx, viewerOf(c), req.userId, req.limit, req.cursor);
      return { following: page.items, nextCursor: page.nextCursor };
    },
    async listFriends(req, c) {
      const page = await listFriends(ctx, signedIn(c).userId, req.limit, req.cursor);
      return { friends: page.items, nextCursor: page.nextCursor };
    },
    async listFollowRequests(req, c) {
      const page = await listFollowRequests(ctx, signedIn(c).userId, req.limit, req.cursor);
      return { requests: page.items, nextCursor: page.nextCursor };
    },
    async listSentFollowRequests(req, c) {
      const page = await listSentFollowRequests(ctx, signedIn(c).userId, req.limit, req.cursor);
      return { requests: page.items, nextCursor: page.nextCursor };
    },
    async approveFollowRequest(req, c) {
      await approveFollowRequest(ctx, signedIn(c), req.requestId, req.userId);
      return {};
    },
    async declineFollowRequest(req, c) {
      await declineFollowRequest(ctx, signedIn(c), req.requestId, req.userId);
      return {};
    },
    async cancelFollowRequest(req, c) {
      await cancelFollowRequest(ctx, signedIn(c), req.requestId, req.userId);
      return {};
    },
    async removeFollower(req, c) {
      await removeFollower(ctx, signedIn(c), req.requestId, req.userId);
      return {};
    },
    async block(req, c) {
      await block(ctx, signedIn(c), req.requestId, req.userId);
      return {};
    },
    async unblock(req, c) {
      await unblock(ctx, signedIn(c), req.requestId, req.userId);
      return {};
    },
    async listBlockedUsers(req, c) {
      const page = await listBlockedUsers(ctx, signedIn(c).userId, req.limit, req.cursor);
      return { blockedUsers: page.items, nextCursor: page.nextCursor };
    },
  };
}
