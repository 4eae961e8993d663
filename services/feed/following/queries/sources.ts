// Whose videos a feed merges: everyone the viewer follows (Following) or only those who
// follow back (Friends), from the viewer's partition of the follow graph.
import { scanAll } from "../../../social/paging.js";
import { followEdgesTable } from "../../../social/projections/follow-graph.projection.js";
import { socialReadModels } from "../../../social/social.read-models.js";
import { MAX_CONTEXT_ROWS } from "../../../social/visibility.js";
import type { FollowingContext } from "../following.context.js";
import type { FeedName } from "./cursors.js";

export async function feedSources(ctx: FollowingContext, viewerId: string, feed: FeedName): Promise<string[]> {
  const graph = await socialReadModels(ctx.platform).graph.store();
  const edges = await scanAll(graph.table(followEdgesTable), { follower_id: viewerId }, MAX_CONTEXT_ROWS);
  return edges.filter((e) => feed === "following" || e.friends_since).map((e) => e.followee_id);
}

/** Runs `fn` over `items` with at most `limit` at once (a page reads one partition per source). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
