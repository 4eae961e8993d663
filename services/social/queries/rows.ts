// Turning graph rows into API rows: people the viewer may not see (a block either way,
// a deleted account) are left out, and each row says how the viewer stands to that user.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ConnectionSchema, type Connection } from "@flick/contracts/flick/social/v1/social_pb";
import type { UserSummary } from "@flick/contracts/flick/identity/v1/identity_pb";
import { profileRows } from "../../identity/accounts.js";
import { fromRow, toSummary } from "../../identity/views.js";
import type { Platform } from "../../platform/platform.js";
import { followEdgesTable } from "../projections/follow-graph.projection.js";
import { requestEdgesTable } from "../projections/follow-requests.projection.js";
import { socialReadModels } from "../social.read-models.js";
import type { ViewerContext } from "../visibility.js";

export const DEFAULT_PAGE = 20;
export const pageSize = (limit: number) => (limit > 0 ? limit : DEFAULT_PAGE);

export interface Listed {
  userId: string;
  at: Date | null | undefined;
}

/** Summaries of the listed users the viewer may see, in order, with their rows. */
export async function visibleSummaries(platform: Platform, viewer: ViewerContext, listed: Listed[]): Promise<{ row: Listed; user: UserSummary }[]> {
  const shown = listed.filter((l) => viewer.canInteract(l.userId));
  const profiles = await profileRows(platform, shown.map((l) => l.userId));
  return shown.flatMap((row, i) => (profiles[i] ? [{ row, user: toSummary(fromRow(profiles[i]!)) }] : []));
}

export async function toConnections(platform: Platform, viewer: ViewerContext, listed: Listed[]): Promise<Connection[]> {
  const visible = await visibleSummaries(platform, viewer, listed);
  const viewerId = viewer.viewerId;
  const models = socialReadModels(platform);
  const [graph, requests] = await Promise.all([models.graph.store(), models.requests.store()]);
  return Promise.all(
    visible.map(async ({ row, user }) => {
      const id = row.userId;
      const self = id === viewerId;
      const viewerFollows = !self && viewer.follows(id);
      const [back, asked] =
        viewerId && !self
          ? await Promise.all([
              graph.table(followEdgesTable).get({ follower_id: id, followee_id: viewerId }),
              viewerFollows ? undefined : requests.table(requestEdgesTable).get({ follower_id: viewerId, followee_id: id }),
            ])
          : [undefined, undefined];
      return create(ConnectionSchema, {
        user,
        since: row.at ? timestampFromDate(row.at) : undefined,
        viewerFollows,
        followsViewer: back !== undefined,
        followRequested: asked !== undefined,
      });
    }),
  );
}
