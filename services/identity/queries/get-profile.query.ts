// GetProfile / GetProfiles: read models only (profiles, the social graph, counts). A user
// who blocked the viewer is NOT_FOUND (or left out of a batch); the viewer's own recent
// writes are waited for (read-your-writes).
import type { Profile } from "@flick/contracts/flick/identity/v1/identity_pb";
import { NotFoundError } from "@flick/kernel";
import { followCounts, relationsTo, type Relation } from "../../social/relations.js";
import { socialReadModels } from "../../social/social.read-models.js";
import { profileRows, userIdByUsername } from "../accounts.js";
import { identityHooks } from "../identity.hooks.js";
import type { IdentityContext } from "../identity.context.js";
import { fromRow, toProfile, type ProfileData } from "../views.js";

/** Waits for the viewer's own writes to reach every model a profile is built from. */
export async function settleViewer(ctx: IdentityContext, viewerId: string | undefined): Promise<void> {
  const social = socialReadModels(ctx.platform);
  await ctx.ryw.settle(viewerId, [ctx.models.profiles, social.graph, social.requests, social.blocks, social.counts]);
}

/** Profiles as `viewerId` sees them (relations computed here when not given). */
export async function renderProfiles(
  ctx: IdentityContext,
  viewerId: string | undefined,
  profiles: ProfileData[],
  relations?: Relation[],
): Promise<Profile[]> {
  const ids = profiles.map((p) => p.userId);
  const stats = identityHooks(ctx.platform).profileStats;
  const [rels, counts, likes, videos] = await Promise.all([
    relations ?? relationsTo(ctx.platform, viewerId, ids),
    followCounts(ctx.platform, ids),
    stats ? stats.likesReceived(ids) : ids.map(() => 0),
    stats ? stats.videoCount(ids, viewerId) : ids.map(() => 0),
  ]);
  return profiles.map((p, i) =>
    toProfile(p, viewerId, rels[i]!, { counts: counts[i]!, likesReceived: likes[i] ?? 0, videoCount: videos[i] ?? 0 }),
  );
}

export async function getProfile(ctx: IdentityContext, viewerId: string | undefined, by: { userId: string } | { username: string }): Promise<Profile> {
  await settleViewer(ctx, viewerId);
  const userId = "userId" in by ? by.userId : await userIdByUsername(ctx.platform, by.username);
  const label = "userId" in by ? by.userId : `@${by.username}`;
  if (!userId) throw new NotFoundError("user", label);
  const [row] = await profileRows(ctx.platform, [userId]);
  if (!row) throw new NotFoundError("user", label);
  const [relation] = await relationsTo(ctx.platform, viewerId, [userId]);
  if (relation!.blockedByTarget) throw new NotFoundError("user", label);
  const [profile] = await renderProfiles(ctx, viewerId, [fromRow(row)], [relation!]);
  return profile!;
}

export async function getProfiles(ctx: IdentityContext, viewerId: string | undefined, userIds: readonly string[]): Promise<Profile[]> {
  await settleViewer(ctx, viewerId);
  const rows = await profileRows(ctx.platform, userIds);
  const found = rows.filter((r) => r !== undefined).map(fromRow);
  const relations = await relationsTo(ctx.platform, viewerId, found.map((p) => p.userId));
  const visible = found.map((p, i) => ({ p, r: relations[i]! })).filter((x) => !x.r.blockedByTarget);
  return renderProfiles(
    ctx,
    viewerId,
    visible.map((x) => x.p),
    visible.map((x) => x.r),
  );
}
