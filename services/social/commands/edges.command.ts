// Commands over many edges at once, used by identity: a deleted account's edges and
// requests are severed (Unfollowed / FollowRequestCancelled with reason ACCOUNT_DELETED,
// on each edge's own stream, so the graph and the counts of the other side follow), and
// an account going public approves its pending requests. The edges come from the read
// models, caught up first; a retry of the triggering command (same request id) resumes.
import { handleCommand, NotFoundError } from "@flick/kernel";
import type { PartitionKeyOf, RowOf, TableSchema, WideColumnTable } from "@flick/read-store";
import type { Platform } from "../../platform/platform.js";
import { followCodec, socialStreams } from "../events.js";
import { followEdgesTable, followersTable } from "../projections/follow-graph.projection.js";
import { incomingRequestsTable, sentRequestsTable } from "../projections/follow-requests.projection.js";
import { socialReadModels } from "../social.read-models.js";
import { followDecider, type Edge, type FollowCommand } from "./follow.decider.js";

const CATCH_UP_MS = 3_000;
const CONCURRENCY = 16;

async function forEachPage<S extends TableSchema>(
  table: WideColumnTable<S>,
  partition: PartitionKeyOf<S>,
  work: (rows: RowOf<S>[]) => Promise<void>,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await table.scan(partition, { limit: 500, cursor });
    await work(page.rows);
    cursor = page.cursor;
  } while (cursor);
}

/** Runs `command` on each edge, CONCURRENCY at a time; returns the newest checkpoint written. */
async function onEdges(
  platform: Platform,
  edges: Edge[],
  command: (edge: Edge) => FollowCommand,
  requestId: string,
  actor: string,
): Promise<string | undefined> {
  let last: string | undefined;
  const compare = (a: string, b: string) => platform.events.compareCheckpoints(a, b);
  for (let i = 0; i < edges.length; i += CONCURRENCY) {
    const results = await Promise.all(
      edges.slice(i, i + CONCURRENCY).map(async (edge) => {
        try {
          return await handleCommand(platform.events, {
            stream: socialStreams.follow(edge.followerId, edge.followeeId),
            decider: followDecider,
            command: command(edge),
            requestId,
            metadata: { actor },
            codec: followCodec,
          });
        } catch (err) {
          if (err instanceof NotFoundError) return undefined; // the edge moved on meanwhile
          throw err;
        }
      }),
    );
    for (const r of results) if (r?.checkpoint && (!last || compare(r.checkpoint, last) > 0)) last = r.checkpoint;
  }
  return last;
}

/** Ends every follow edge and pending request of `userId`, both ways. */
export async function severAllEdges(platform: Platform, userId: string, requestId: string): Promise<string | undefined> {
  const models = socialReadModels(platform);
  await Promise.all([models.graph.runner.catchUp(CATCH_UP_MS), models.requests.runner.catchUp(CATCH_UP_MS)]);
  const [graph, requests] = await Promise.all([models.graph.store(), models.requests.store()]);
  const at = platform.clock();
  const sever = (edge: Edge): FollowCommand => ({ type: "Sever", cause: "account_deleted", ...edge, at });
  // Collect first, then act: severing removes the rows being paged through.
  const edges: Edge[] = [];
  await forEachPage(graph.table(followEdgesTable), { follower_id: userId }, async (rows) => {
    edges.push(...rows.map((r) => ({ followerId: userId, followeeId: r.followee_id })));
  });
  await forEachPage(graph.table(followersTable), { user_id: userId }, async (rows) => {
    edges.push(...rows.map((r) => ({ followerId: r.follower_id, followeeId: userId })));
  });
  await forEachPage(requests.table(sentRequestsTable), { user_id: userId }, async (rows) => {
    edges.push(...rows.map((r) => ({ followerId: userId, followeeId: r.followee_id })));
  });
  await forEachPage(requests.table(incomingRequestsTable), { user_id: userId }, async (rows) => {
    edges.push(...rows.map((r) => ({ followerId: r.follower_id, followeeId: userId })));
  });
  return onEdges(platform, edges, sever, `${requestId}/sever`, userId);
}

/** Approves every pending request to follow `ownerId` (the account went public). */
export async function approvePendingRequests(platform: Platform, ownerId: string, requestId: string): Promise<string | undefined> {
  const models = socialReadModels(platform);
  await models.requests.runner.catchUp(CATCH_UP_MS);
  const requests = await models.requests.store();
  const at = platform.clock();
  const pending: Edge[] = [];
  await forEachPage(requests.table(incomingRequestsTable), { user_id: ownerId }, async (rows) => {
    pending.push(...rows.map((r) => ({ followerId: r.follower_id, followeeId: ownerId })));
  });
  return onEdges(platform, pending, (edge) => ({ type: "Approve", byGoingPublic: true, ...edge, at }), `${requestId}/approve`, ownerId);
}
