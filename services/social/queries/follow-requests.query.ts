// ListFollowRequests (to the caller) and ListSentFollowRequests (by the caller), newest
// first. Requests never cross a block (a block cancels them), and deleted accounts'
// requests are cancelled; rows for either are left out all the same.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { PendingFollowSchema, type PendingFollow } from "@flick/contracts/flick/social/v1/social_pb";
import { identityReadModels } from "../../identity/identity.read-models.js";
import { incomingRequestsTable, sentRequestsTable } from "../projections/follow-requests.projection.js";
import { scanPage } from "../paging.js";
import type { SocialContext } from "../social.context.js";
import { loadViewerContext } from "../visibility.js";
import type { Page } from "./connections.query.js";
import { pageSize, visibleSummaries, type Listed } from "./rows.js";

async function pending(ctx: SocialContext, viewerId: string, rows: Listed[]): Promise<PendingFollow[]> {
  const viewer = await loadViewerContext(ctx.platform, viewerId);
  const visible = await visibleSummaries(ctx.platform, viewer, rows);
  return visible.map(({ row, user }) => create(PendingFollowSchema, { user, requestedAt: row.at ? timestampFromDate(row.at) : undefined }));
}

export async function listFollowRequests(ctx: SocialContext, viewerId: string, limit: number, cursor: string): Promise<Page<PendingFollow>> {
  await ctx.ryw.settle(viewerId, [ctx.models.requests, identityReadModels(ctx.platform).profiles]);
  const store = await ctx.models.requests.store();
  const page = await scanPage(store.table(incomingRequestsTable), { user_id: viewerId }, `incoming:${viewerId}`, pageSize(limit), cursor);
  const items = await pending(ctx, viewerId, page.rows.map((r) => ({ userId: r.follower_id, at: r.requested_at })));
  return { items, nextCursor: page.nextCursor };
}

export async function listSentFollowRequests(ctx: SocialContext, viewerId: string, limit: number, cursor: string): Promise<Page<PendingFollow>> {
  await ctx.ryw.settle(viewerId, [ctx.models.requests, identityReadModels(ctx.platform).profiles]);
  const store = await ctx.models.requests.store();
  const page = await scanPage(store.table(sentRequestsTable), { user_id: viewerId }, `sent:${viewerId}`, pageSize(limit), cursor);
  const items = await pending(ctx, viewerId, page.rows.map((r) => ({ userId: r.followee_id, at: r.requested_at })));
  return { items, nextCursor: page.nextCursor };
}
