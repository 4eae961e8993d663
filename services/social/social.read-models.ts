// The social graph's read models, registered once per platform (the identity module
// reads them too: counts and relationships on profiles, edges to sever on deletion).
import type { Platform, ReadModel } from "../platform/platform.js";
import { blocksProjection } from "./projections/blocks.projection.js";
import { followGraphProjection } from "./projections/follow-graph.projection.js";
import { followRequestsProjection } from "./projections/follow-requests.projection.js";
import { socialCountsProjection } from "./projections/social-counts.projection.js";

export interface SocialReadModels {
  /** follow_edges, followers, following, friends: tables role. */
  graph: ReadModel;
  /** request_edges, incoming_requests, sent_requests: tables role. */
  requests: ReadModel;
  /** block_edges, blocked_users, blocked_by: tables role. */
  blocks: ReadModel;
  /** social_counts counters: fast role. */
  counts: ReadModel;
}

const registered = new WeakMap<Platform, SocialReadModels>();

export function socialReadModels(platform: Platform): SocialReadModels {
  let models = registered.get(platform);
  if (!models) {
    models = {
      graph: platform.project("tables", followGraphProjection()),
      requests: platform.project("tables", followRequestsProjection()),
      blocks: platform.project("tables", blocksProjection()),
      counts: platform.project("fast", socialCountsProjection()),
    };
    registered.set(platform, models);
  }
  return models;
}
