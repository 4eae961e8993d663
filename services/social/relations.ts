// How a viewer stands towards other users, for profiles and list rows: point reads on
// the social read models, plus the counts.
import type { Platform } from "../platform/platform.js";
import { countKeys, socialCounters } from "./projections/social-counts.projection.js";
import { blockEdgesTable } from "./projections/blocks.projection.js";
import { followEdgesTable } from "./projections/follow-graph.projection.js";
import { requestEdgesTable } from "./projections/follow-requests.projection.js";
import { socialReadModels } from "./social.read-models.js";

export interface Relation {
  viewerFollows: boolean;
  followsViewer: boolean;
  /** The viewer's request to follow this (private) user is pending. */
  followRequested: boolean;
  viewerBlocked: boolean;
  /** This user blocked the viewer: show nothing of them. */
  blockedByTarget: boolean;
}

export const NO_RELATION: Relation = Object.freeze({
  viewerFollows: false,
  followsViewer: false,
  followRequested: false,
  viewerBlocked: false,
  blockedByTarget: false,
});

/** The viewer's relation to each target (NO_RELATION for an anonymous viewer or oneself). */
export async function relationsTo(platform: Platform, viewerId: string | undefined, targetIds: readonly string[]): Promise<Relation[]> {
  if (!viewerId) return targetIds.map(() => NO_RELATION);
  const models = socialReadModels(platform);
  const [graph, requests, blocks] = await Promise.all([models.graph.store(), models.requests.store(), models.blocks.store()]);
  const edges = graph.table(followEdgesTable);
  const pending = requests.table(requestEdgesTable);
  const blockEdges = blocks.table(blockEdgesTable);
  return Promise.all(
    targetIds.map(async (t): Promise<Relation> => {
      if (t === viewerId) return NO_RELATION;
      const [out, back, req, blocking, blocked] = await Promise.all([
        edges.get({ follower_id: viewerId, followee_id: t }),
        edges.get({ follower_id: t, followee_id: viewerId }),
        pending.get({ follower_id: viewerId, followee_id: t }),
        blockEdges.get({ blocker_id: viewerId, blocked_id: t }),
        blockEdges.get({ blocker_id: t, blocked_id: viewerId }),
      ]);
      return {
        viewerFollows: out !== undefined,
        followsViewer: back !== undefined,
        followRequested: req !== undefined,
        viewerBlocked: blocking !== undefined,
        blockedByTarget: blocked !== undefined,
      };
    }),
  );
}

export interface FollowCounts {
  followers: number;
  following: number;
}

export async function followCounts(platform: Platform, userIds: readonly string[]): Promise<FollowCounts[]> {
  if (userIds.length === 0) return [];
  const store = await socialReadModels(platform).counts.store();
  const keys = userIds.flatMap((u) => [countKeys.followers(u), countKeys.following(u)]);
  const values = await store.counters(socialCounters).getMany(keys);
  // A count never shows below zero, even for a moment between two projections' batches.
  return userIds.map((_, i) => ({ followers: Math.max(0, values[2 * i]!), following: Math.max(0, values[2 * i + 1]!) }));
}
