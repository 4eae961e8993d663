// Hashtag pages: a hashtag's counts and the public videos carrying it. Read models only;
// videos go through the one visibility check.
import { create } from "@bufbuild/protobuf";
import { HashtagSchema, type Hashtag } from "@flick/contracts/flick/challenge/v1/challenge_pb";
import { NotFoundError } from "@flick/kernel";
import { normaliseHashtag } from "../../video/domain/caption.js";
import { loadViewer, type UrlOf } from "../../video/queries/video-view.js";
import { visiblePage } from "../../video/queries/visible-page.js";
import type { VideoContext } from "../../video/video.context.js";
import { hashtagVideoCounts, hashtagVideosTable } from "../projections/hashtags.projection.js";

/**
 * view_count needs the engagement context's views and challenge_id the challenge
 * context: both are 0/empty ("not counted", "none") until those land.
 */
export async function getHashtag(ctx: VideoContext, name: string): Promise<Hashtag> {
  const tag = normaliseHashtag(name);
  const [hashtag] = await hashtagsByName(ctx, [tag]);
  if (!hashtag) throw new NotFoundError("hashtag", tag);
  return hashtag;
}

/** Normalised names → hashtags, in order; undefined where no listed video carries it (trending renders its lists with this). */
export async function hashtagsByName(ctx: VideoContext, tags: readonly string[]): Promise<(Hashtag | undefined)[]> {
  const store = await ctx.models.hashtags.store();
  const counts = await store.counters(hashtagVideoCounts).getMany(tags);
  return tags.map((name, i) => {
    const count = counts[i] ?? 0;
    return count > 0 ? create(HashtagSchema, { name, videoCount: BigInt(count), viewCount: 0n, challengeId: "" }) : undefined;
  });
}

/** Newest first. POPULAR (most viewed) lists newest first too until view counts exist. */
export async function listHashtagVideos(ctx: VideoContext, viewerId: string | undefined, input: { name: string; limit: number; cursor: string }, urlOf: UrlOf) {
  const tag = normaliseHashtag(input.name);
  const viewer = await loadViewer(ctx, viewerId);
  const store = await ctx.models.hashtags.store();
  return visiblePage(ctx, viewer, urlOf, {
    table: store.table(hashtagVideosTable),
    partition: { hashtag: tag },
    list: `hashtag-videos:${tag}`,
    limit: input.limit,
    cursor: input.cursor,
  });
}
