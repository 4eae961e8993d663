// ListBlockedUsers: the caller's block list, most recent first.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { BlockedUserSchema, type BlockedUser } from "@flick/contracts/flick/social/v1/social_pb";
import { profileRows } from "../../identity/accounts.js";
import { identityReadModels } from "../../identity/identity.read-models.js";
import { fromRow, toSummary } from "../../identity/views.js";
import { blockedUsersTable } from "../projections/blocks.projection.js";
import { scanPage } from "../paging.js";
import type { SocialContext } from "../social.context.js";
import type { Page } from "./connections.query.js";
import { pageSize } from "./rows.js";

export async function listBlockedUsers(ctx: SocialContext, viewerId: string, limit: number, cursor: string): Promise<Page<BlockedUser>> {
  await ctx.ryw.settle(viewerId, [ctx.models.blocks, identityReadModels(ctx.platform).profiles]);
  const store = await ctx.models.blocks.store();
  const page = await scanPage(store.table(blockedUsersTable), { user_id: viewerId }, `blocked:${viewerId}`, pageSize(limit), cursor);
  const profiles = await profileRows(ctx.platform, page.rows.map((r) => r.blocked_id));
  const items = page.rows.flatMap((r, i) =>
    profiles[i] ? [create(BlockedUserSchema, { user: toSummary(fromRow(profiles[i]!)), blockedAt: r.blocked_at ? timestampFromDate(r.blocked_at) : undefined })] : [],
  );
  return { items, nextCursor: page.nextCursor };
}
