// The one visibility check every read path uses (see README.md): a viewer's context is
// loaded once per request from the social read models — whom the viewer follows (and
// which of those follow back: friends), whom the viewer blocks and who blocks the viewer —
// and then answers in memory, so filtering a batch of 1,000 candidates costs
// microseconds (bench/visibility).
import type { Platform } from "../platform/platform.js";
import { readYourWrites } from "../identity/read-your-writes.js";
import { scanAll } from "./paging.js";
import { blockedByTable, blockEdgesTable } from "./projections/blocks.projection.js";
import { followEdgesTable } from "./projections/follow-graph.projection.js";
import { socialReadModels } from "./social.read-models.js";

/** Who may see an item, as its creator chose (a video, a comment, a duet…). */
export type Privacy = "public" | "friends" | "private";

export interface VisibleItem {
  creatorId: string;
  privacy: Privacy;
  /**
   * The creator's account is private: then even "public" items are for approved
   * followers only. Pass it when the item's read model has it; omitted means public.
   */
  creatorPrivate?: boolean;
}

/** The most a context loads per relationship (the following limit is 10,000). */
export const MAX_CONTEXT_ROWS = 20_000;

export class ViewerContext {
  constructor(
    /** Undefined for an anonymous caller. */
    readonly viewerId: string | undefined,
    private readonly following: ReadonlySet<string>,
    private readonly friends: ReadonlySet<string>,
    private readonly blocking: ReadonlySet<string>,
    private readonly blockers: ReadonlySet<string>,
  ) {}

  static anonymous(): ViewerContext {
    const none = new Set<string>();
    return new ViewerContext(undefined, none, none, none, none);
  }

  /** The viewer follows this user. */
  follows(userId: string): boolean {
    return this.following.has(userId);
  }

  /** Everyone the viewer follows (the feeds' candidate sources). */
  followedIds(): string[] {
    return [...this.following];
  }

  /** The viewer's friends (mutual follows). */
  friendIds(): ReadonlySet<string> {
    return this.friends;
  }

  /** The viewer and this user follow each other. */
  isFriend(userId: string): boolean {
    return this.friends.has(userId);
  }

  /** The viewer has blocked this user. */
  blocks(userId: string): boolean {
    return this.blocking.has(userId);
  }

  /** This user has blocked the viewer. */
  isBlockedBy(userId: string): boolean {
    return this.blockers.has(userId);
  }

  /**
   * Neither side blocks the other: the viewer may follow, comment on, mention, duet or
   * stitch this user's content (commands should also call assertNotBlocked, which reads
   * the write side, before acting).
   */
  canInteract(userId: string): boolean {
    return userId !== this.viewerId ? !this.blocking.has(userId) && !this.blockers.has(userId) : true;
  }

  /**
   * May the viewer see this item? Owners always; nobody across a block; "private" only
   * the owner; "friends" mutual followers; "public" everyone, except that a private
   * account's items need the viewer to follow it.
   */
  canSee(item: VisibleItem): boolean {
    const creator = item.creatorId;
    if (creator === this.viewerId) return true;
    if (this.blocking.has(creator) || this.blockers.has(creator)) return false;
    if (item.privacy === "public") return !item.creatorPrivate || this.following.has(creator);
    if (item.privacy === "friends") return this.friends.has(creator);
    return false;
  }

  /** The items the viewer may see, in their order. */
  filter<T extends VisibleItem>(items: readonly T[]): T[] {
    const out: T[] = [];
    for (const item of items) if (this.canSee(item)) out.push(item);
    return out;
  }
}

/**
 * Loads the viewer's context: three partition reads, in parallel. A signed-in viewer's
 * own recent follows and blocks are included (read-your-writes).
 */
export async function loadViewerContext(platform: Platform, viewerId: string | undefined): Promise<ViewerContext> {
  if (!viewerId) return ViewerContext.anonymous();
  const models = socialReadModels(platform);
  await readYourWrites(platform).settle(viewerId, [models.graph, models.blocks]);
  const [graph, blocks] = await Promise.all([models.graph.store(), models.blocks.store()]);
  const [edges, blocking, blockers] = await Promise.all([
    scanAll(graph.table(followEdgesTable), { follower_id: viewerId }, MAX_CONTEXT_ROWS),
    scanAll(blocks.table(blockEdgesTable), { blocker_id: viewerId }, MAX_CONTEXT_ROWS),
    scanAll(blocks.table(blockedByTable), { user_id: viewerId }, MAX_CONTEXT_ROWS),
  ]);
  const following = new Set<string>();
  const friends = new Set<string>();
  for (const e of edges) {
    following.add(e.followee_id);
    if (e.friends_since) friends.add(e.followee_id);
  }
  return new ViewerContext(
    viewerId,
    following,
    friends,
    new Set(blocking.map((b) => b.blocked_id)),
    new Set(blockers.map((b) => b.blocker_id)),
  );
}
