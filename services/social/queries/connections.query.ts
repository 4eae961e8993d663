// ListFollowers, ListFollowing, ListFriends: one partition of the graph, newest first,
// a page at a time. A private account's lists are for its owner and approved followers;
// a user who blocked the viewer does not exist for them; the viewer's own recent follows
// are waited for (read-your-writes).
import type { Connection } from "@flick/contracts/flick/social/v1/social_pb";
import { NotFoundError, PermissionDeniedError, UnauthenticatedError } from "@flick/kernel";
import { profileRows } from "../../identity/accounts.js";
import { identityReadModels } from "../../identity/identity.read-models.js";
import { followersTable, followingTable, friendsTable } from "../projections/follow-graph.projection.js";
import { scanPage } from "../paging.js";
import type { SocialContext } from "../social.context.js";
import { loadViewerContext, type ViewerContext } from "../visibility.js";
import { pageSize, toConnections } from "./rows.js";

export interface Page<T> {
  items: T[];
  nextCursor: string;
}

/** The viewer's context, once it may see `targetId`'s lists; throws otherwise. */
async function mayListOf(ctx: SocialContext, viewerId: string | undefined, targetId: string): Promise<ViewerContext> {
  await ctx.ryw.settle(viewerId, [identityReadModels(ctx.platform).profiles, ctx.models.requests]);
  const [viewer, [target]] = await Promise.all([loadViewerContext(ctx.platform, viewerId), profileRows(ctx.platform, [targetId])]);
  if (!target || viewer.isBlockedBy(targetId)) throw new NotFoundError("user", targetId);
  if (targetId === viewerId) return viewer;
  if (viewer.blocks(targetId)) throw new PermissionDeniedError("you have blocked this user");
  if (target.private_account && !viewer.follows(targetId)) {
    throw new PermissionDeniedError("this account is private: only its approved followers see its lists");
  }
  return viewer;
}

function whose(viewerId: string | undefined, userId: string): string {
  const id = userId || viewerId;
  if (!id) throw new UnauthenticatedError("sign in, or name the user whose list you want");
  return id;
}

export async function listFollowers(ctx: SocialContext, viewerId: string | undefined, userId: string, limit: number, cursor: string): Promise<Page<Connection>> {
  const target = whose(viewerId, userId);
  const viewer = await mayListOf(ctx, viewerId, target);
  const store = await ctx.models.graph.store();
  const page = await scanPage(store.table(followersTable), { user_id: target }, `followers:${target}`, pageSize(limit), cursor);
  const items = await toConnections(ctx.platform, viewer, page.rows.map((r) => ({ userId: r.follower_id, at: r.since })));
  return { items, nextCursor: page.nextCursor };
}

export async function listFollowing(ctx: SocialContext, viewerId: string | undefined, userId: string, limit: number, cursor: string): Promise<Page<Connection>> {
  const target = whose(viewerId, userId);
  const viewer = await mayListOf(ctx, viewerId, target);
  const store = await ctx.models.graph.store();
  const page = await scanPage(store.table(followingTable), { user_id: target }, `following:${target}`, pageSize(limit), cursor);
  const items = await toConnections(ctx.platform, viewer, page.rows.map((r) => ({ userId: r.followee_id, at: r.since })));
  return { items, nextCursor: page.nextCursor };
}

export async function listFriends(ctx: SocialContext, viewerId: string, limit: number, cursor: string): Promise<Page<Connection>> {
  const viewer = await mayListOf(ctx, viewerId, viewerId);
  const store = await ctx.models.graph.store();
  const page = await scanPage(store.table(friendsTable), { user_id: viewerId }, `friends:${viewerId}`, pageSize(limit), cursor);
  const items = await toConnections(ctx.platform, viewer, page.rows.map((r) => ({ userId: r.friend_id, at: r.since })));
  return { items, nextCursor: page.nextCursor };
}
