// Who may see and act on a video, through social's one visibility check (ViewerContext
// in services/social/visibility.ts). Lists load the viewer's whole context once; a
// command builds a context narrowed to the one creator it concerns from point reads
// (follows from the graph only when privacy needs them), so a like or a view costs a few
// key reads rather than a scan of the viewer's whole following list.
//
// Blocks: a like, save, share or comment reads them from the write side (the block
// streams, as social's assertNotBlocked does: exact). A view — the hottest path — reads
// the pair's edges both ways from the blocks read model, in one multi-key read with the
// other views in flight (CoalescedReads), and keeps the answer about a second; a block
// or unblock written by this process drops the pair's entry, and the users' next read
// waits for the read model to have it.
import { CoalescedReads, type EventStore } from "@flick/event-store";
import type { Platform } from "../../platform/platform.js";
import { blocksBetween, onBlockWritten } from "../../social/blocking.js";
import { blockEdgesTable } from "../../social/projections/blocks.projection.js";
import { followEdgesTable } from "../../social/projections/follow-graph.projection.js";
import { socialReadModels } from "../../social/social.read-models.js";
import { loadViewerContext, ViewerContext } from "../../social/visibility.js";
import { TtlCache } from "../ttl-cache.js";
import type { People } from "./people.js";
import type { VideoFacts } from "./video-facts.js";

export interface Standing {
  /** The viewer may see the video (privacy, account privacy, blocks). */
  canSee: boolean;
  /** The viewer could see it but for a block (so a refusal may say "blocked"). */
  canSeeButForBlocks: boolean;
  viewerBlocksCreator: boolean;
  creatorBlocksViewer: boolean;
}

export interface Audience {
  /**
   * The viewer's standing towards a video. `fresh` reads blocks from the write side
   * (commands that create content or notify); otherwise a result up to a second old may
   * serve (views, the hottest path).
   */
  towardsVideo(viewerId: string | undefined, video: VideoFacts, options?: { fresh?: boolean }): Promise<Standing>;
  /** Blocks between two users, from the write side. */
  blocks(actorId: string, targetId: string): Promise<{ actorBlocksTarget: boolean; targetBlocksActor: boolean }>;
  /** The viewer's whole context, for filtering lists. */
  context(viewerId: string | undefined): Promise<ViewerContext>;
  /** The videos of `videos` the viewer may see, in order. */
  visible(ctx: ViewerContext, videos: readonly VideoFacts[]): Promise<VideoFacts[]>;
  /** Whether the viewer follows each creator. */
  follows(viewerId: string, creatorIds: readonly string[]): Promise<Set<string>>;
}

/** Longest a view waits for the blocks read model to have a block this process wrote. */
const BLOCK_WAIT_MS = 3_000;

export function socialAudience(platform: Platform, people: People, options: { cacheMs?: number } = {}): Audience {
  const store: EventStore = platform.events;
  const graph = socialReadModels(platform).graph;
  const cacheMs = options.cacheMs ?? 1_000;
  const blocksModel = socialReadModels(platform).blocks;
  const pairBlocks = new TtlCache<{ actorBlocksTarget: boolean; targetBlocksActor: boolean }>(cacheMs);
  const pairKey = (viewerId: string, creatorId: string) => `${viewerId}\n${creatorId}`;
  const written = new Map<string, string>();
  onBlockWritten(platform, (blocker, blocked, checkpoint) => {
    pairBlocks.delete(pairKey(blocker, blocked));
    pairBlocks.delete(pairKey(blocked, blocker));
    for (const user of [blocker, blocked]) {
      if (!checkpoint) continue;
      written.delete(user);
      written.set(user, checkpoint);
      if (written.size > 10_000) written.delete(written.keys().next().value!);
    }
  });
  /** Block edges, the concurrent views' lookups read together. */
  const edges = new CoalescedReads(async (keys: { blocker_id: string; blocked_id: string }[]) =>
    (await blocksModel.store()).table(blockEdgesTable).getMany(keys),
  );
  /**
   * Blocks between a viewer and a creator for a view, from the read model: both
   * directions, with every other view's in flight, in one multi-key read; kept about a second.
   */
  const viewBlocks = async (viewerId: string, creatorId: string) => {
    const key = pairKey(viewerId, creatorId);
    const cached = pairBlocks.get(key);
    if (cached) return cached;
    for (const user of [viewerId, creatorId]) {
      const checkpoint = written.get(user);
      if (!checkpoint) continue;
      await blocksModel.waitFor(checkpoint, BLOCK_WAIT_MS);
      written.delete(user);
    }
    const [out, back] = await edges.loadAll([
      { blocker_id: viewerId, blocked_id: creatorId },
      { blocker_id: creatorId, blocked_id: viewerId },
    ]);
    const result = { actorBlocksTarget: out !== undefined, targetBlocksActor: back !== undefined };
    pairBlocks.set(key, result);
    return result;
  };
  const privateCache = new TtlCache<boolean>(cacheMs);

  const creatorPrivate = (ids: readonly string[]) =>
    privateCache.getMany(ids, async (missing) => {
      const profiles = await people.profiles(missing);
      // An unknown creator (deleted account, or not projected yet) is treated as public:
      // the video's own state decides then.
      return new Map(missing.map((id) => [id, profiles.get(id)?.privateAccount ?? false]));
    });

  const edge = async (follower: string, followee: string) => {
    const table = (await graph.store()).table(followEdgesTable);
    return table.get({ follower_id: follower, followee_id: followee });
  };

  const audience: Audience = {
    blocks: (actorId, targetId) => blocksBetween(store, actorId, targetId),

    async towardsVideo(viewerId, video, opts = {}) {
      const creator = video.creatorId;
      if (viewerId === creator) return { canSee: true, canSeeButForBlocks: true, viewerBlocksCreator: false, creatorBlocksViewer: false };
      const isPrivate = (await creatorPrivate([creator])).get(creator) ?? false;
      if (!viewerId) {
        const canSee = ViewerContext.anonymous().canSee({ ...video, creatorPrivate: isPrivate });
        return { canSee, canSeeButForBlocks: canSee, viewerBlocksCreator: false, creatorBlocksViewer: false };
      }
      const needFollows = isPrivate || video.privacy === "friends";
      const [b, out, back] = await Promise.all([
        opts.fresh ? audience.blocks(viewerId, creator) : viewBlocks(viewerId, creator),
        // Follows matter only where privacy asks for them (a view of a public video reads none).
        needFollows ? edge(viewerId, creator) : Promise.resolve(undefined),
        needFollows && video.privacy === "friends" ? edge(creator, viewerId) : Promise.resolve(undefined),
      ]);
      const only = (yes: boolean) => new Set(yes ? [creator] : []);
      const item = { creatorId: creator, privacy: video.privacy, creatorPrivate: isPrivate };
      const ctx = new ViewerContext(viewerId, only(!!out), only(!!out && !!back), only(b.actorBlocksTarget), only(b.targetBlocksActor));
      const unblocked = new ViewerContext(viewerId, only(!!out), only(!!out && !!back), only(false), only(false));
      return {
        canSee: ctx.canSee(item),
        canSeeButForBlocks: unblocked.canSee(item),
        viewerBlocksCreator: b.actorBlocksTarget,
        creatorBlocksViewer: b.targetBlocksActor,
      };
    },

    context: (viewerId) => loadViewerContext(platform, viewerId),

    async visible(ctx, videos) {
      const priv = await creatorPrivate(videos.map((v) => v.creatorId));
      return videos.filter(
        (v) =>
          v.status === "ready" || (v.status === "processing" && v.creatorId === ctx.viewerId)
            ? ctx.canSee({ creatorId: v.creatorId, privacy: v.privacy, creatorPrivate: priv.get(v.creatorId) ?? false })
            : false,
      );
    },

    async follows(viewerId, creatorIds) {
      const ids = [...new Set(creatorIds)].filter((c) => c !== viewerId);
      const rows = await Promise.all(ids.map((c) => edge(viewerId, c)));
      return new Set(ids.filter((_, i) => rows[i] !== undefined));
    },
  };
  return audience;
}
