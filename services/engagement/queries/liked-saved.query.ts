// A user's liked videos (visible as their profile's content is: everyone for a public
// account, the owner and approved followers for a private one) and the caller's own saved
// videos. Either way, videos the caller may not see are left out.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { LikedVideoSchema, SavedVideoSchema, type LikedVideo, type SavedVideo } from "@flick/contracts/flick/engagement/v1/engagement_pb";
import { NotFoundError, PermissionDeniedError, UnauthenticatedError, ValidationError } from "@flick/kernel";
import { decodeListCursor, encodeListCursor } from "../../social/paging.js";
import type { EngagementContext, RequestInfo } from "../engagement.context.js";
import { userLikedVideosTable, userSavedVideosTable } from "../projections/engagement-lists.projection.js";
import { awaitToken } from "./consistency.js";
import { DEFAULT_LIMIT } from "./comments.query.js";
import { renderVideos } from "./video-cards.js";

interface Entry {
  videoId: string;
  at: Date;
}

async function page(
  ctx: EngagementContext,
  viewerId: string | undefined,
  list: string,
  limit: number,
  cursor: string,
  scan: (limit: number, cursor: string | undefined) => Promise<{ rows: Entry[]; cursor?: string }>,
  request: RequestInfo | undefined,
) {
  const viewer = await ctx.audience.context(viewerId);
  const kept: Entry[] = [];
  let position = decodeListCursor(list, cursor);
  let more = true;
  for (let round = 0; round < 5 && kept.length < limit && more; round++) {
    const want = limit - kept.length;
    let p;
    try {
      p = await scan(want, position);
    } catch (err) {
      if (position !== undefined) throw ValidationError.field("cursor", "invalid cursor");
      throw err;
    }
    const facts = await ctx.videos.get(p.rows.map((r) => r.videoId));
    const visible = new Set((await ctx.audience.visible(viewer, [...facts.values()])).map((v) => v.videoId));
    kept.push(...p.rows.filter((r) => visible.has(r.videoId)));
    position = p.cursor;
    more = p.cursor !== undefined && p.rows.length === want;
  }
  const facts = await ctx.videos.get(kept.map((k) => k.videoId));
  const cards = await renderVideos(ctx, viewerId, [...facts.values()], request);
  return { entries: kept.filter((k) => cards.has(k.videoId)), cards, nextCursor: more ? encodeListCursor(list, position) : "" };
}

export interface ListInput {
  limit: number;
  cursor: string;
  consistencyToken: string;
  /** The request, for media URLs as the client reached the server. */
  request?: RequestInfo;
}

export async function listLikedVideos(ctx: EngagementContext, callerId: string | undefined, userId: string, input: ListInput) {
  const ownerId = userId || callerId;
  if (!ownerId) throw new UnauthenticatedError("sign in, or name the user whose likes to list");
  const owner = (await ctx.people.profiles([ownerId])).get(ownerId);
  if (!owner) throw new NotFoundError("user", ownerId);
  if (callerId !== ownerId) {
    if (callerId) {
      const b = await ctx.audience.blocks(callerId, ownerId);
      if (b.targetBlocksActor) throw new NotFoundError("user", ownerId);
      if (b.actorBlocksTarget) throw new PermissionDeniedError("you have blocked this user");
    }
    if (owner.privateAccount && !(callerId && (await ctx.audience.follows(callerId, [ownerId])).has(ownerId))) {
      throw new PermissionDeniedError("this account is private");
    }
  }
  const caughtUp = await awaitToken(ctx, input.consistencyToken, [ctx.models.lists]);
  await ctx.ryw.settle(callerId, [ctx.models.lists]);
  const table = (await ctx.models.lists.store()).table(userLikedVideosTable);
  const result = await page(ctx, callerId, `liked:${ownerId}`, input.limit || DEFAULT_LIMIT, input.cursor, async (limit, cursor) => {
    const p = await table.scan({ user_id: ownerId }, { limit, cursor });
    return { rows: p.rows.map((r) => ({ videoId: r.video_id, at: r.liked_at })), cursor: p.cursor };
  }, input.request);
  const videos: LikedVideo[] = result.entries.map((e) => create(LikedVideoSchema, { video: result.cards.get(e.videoId), likedAt: timestampFromDate(e.at) }));
  return { videos, nextCursor: result.nextCursor, caughtUp };
}

export async function listSavedVideos(ctx: EngagementContext, callerId: string, input: ListInput) {
  const caughtUp = await awaitToken(ctx, input.consistencyToken, [ctx.models.lists]);
  await ctx.ryw.settle(callerId, [ctx.models.lists]);
  const table = (await ctx.models.lists.store()).table(userSavedVideosTable);
  const result = await page(ctx, callerId, `saved:${callerId}`, input.limit || DEFAULT_LIMIT, input.cursor, async (limit, cursor) => {
    const p = await table.scan({ user_id: callerId }, { limit, cursor });
    return { rows: p.rows.map((r) => ({ videoId: r.video_id, at: r.saved_at })), cursor: p.cursor };
  }, input.request);
  const videos: SavedVideo[] = result.entries.map((e) => create(SavedVideoSchema, { video: result.cards.get(e.videoId), savedAt: timestampFromDate(e.at) }));
  return { videos, nextCursor: result.nextCursor, caughtUp };
}
