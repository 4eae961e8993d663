// The chronological page: fan-out on read. Each source's newest-first partition of
// user_videos (the catalogue's grid) is a sorted stream; a k-way merge pops the newest
// head until the page (plus the prefetch) holds enough videos the viewer may see. A
// source is read a page at a time and only again once its buffer is used up, so a
// typical page costs one partition read per followed creator, in parallel.
//
// Limit, said plainly: cost grows with the number of sources. Up to a few hundred
// followees a page is a few milliseconds of parallel point-range reads; at the following
// cap (10,000) a page is 10,000 reads, and a per-follower inbox (fan-out on write, with
// a celebrity threshold) would be the next step — see ../README.md.
import type { RowOf } from "@flick/read-store";
import type { ViewerContext } from "../../../social/visibility.js";
import { userVideosTable } from "../../../video/projections/video-catalog.projection.js";
import { privacyName } from "../../../video/queries/video-view.js";
import type { FollowingContext } from "../following.context.js";
import { mapLimit } from "./sources.js";

export type GridRow = RowOf<typeof userVideosTable>;

/** Partitions read at once. */
const CONCURRENCY = 64;
/** Rows examined for one page at most: a page may come back short, never slow. */
const MAX_EXAMINED = 5_000;

/** A grid row the viewer may see (READY, and its privacy allows); the full check follows at render. */
export function mayShow(viewer: ViewerContext, row: GridRow): boolean {
  return row.status === "ready" && viewer.canSee({ creatorId: row.user_id, privacy: privacyName(row.privacy) });
}

/** Newest first: does `a` come before `b`? (video ids break ties, so the order is total.) */
const precedes = (a: GridRow, b: GridRow) => {
  const d = a.created_at.getTime() - b.created_at.getTime();
  return d > 0 || (d === 0 && a.video_id > b.video_id);
};

export interface After {
  createdAt: number;
  videoId: string;
}

export interface ChronologicalPage {
  page: GridRow[];
  prefetch: GridRow[];
  /** Where the next page starts; undefined at the end. */
  next: After | undefined;
}

interface Source {
  userId: string;
  rows: GridRow[];
  cursor: string | undefined;
  done: boolean;
}

export async function chronologicalPage(ctx: FollowingContext, viewer: ViewerContext, sources: readonly string[], limit: number, prefetch: number, after: After | undefined): Promise<ChronologicalPage> {
  const table = (await ctx.video.models.catalog.store()).table(userVideosTable);
  const want = limit + prefetch;
  // Rows at the cursor's timestamp are re-read and skipped up to the cursor's video id.
  const range = after ? { lte: new Date(after.createdAt) } : undefined;
  const isAfter = (r: GridRow) => !after || r.created_at.getTime() < after.createdAt || (r.created_at.getTime() === after.createdAt && r.video_id < after.videoId);
  const streams: Source[] = sources.map((userId) => ({ userId, rows: [], cursor: undefined, done: false }));
  const refill = (list: Source[]) =>
    mapLimit(list, CONCURRENCY, async (s) => {
      const page = await table.scan({ user_id: s.userId }, { limit: want, cursor: s.cursor, range });
      s.rows = page.rows.filter(isAfter);
      s.cursor = page.cursor;
      s.done = !page.cursor || page.rows.length < want;
    });

  const picked: GridRow[] = [];
  let examined = 0;
  let lastExamined: GridRow | undefined;
  let exhausted = false;
  while (picked.length < want && examined < MAX_EXAMINED) {
    const empty = streams.filter((s) => s.rows.length === 0 && !s.done);
    if (empty.length > 0) {
      await refill(empty);
      continue;
    }
    let best: Source | undefined;
    for (const s of streams) if (s.rows.length > 0 && (!best || precedes(s.rows[0]!, best.rows[0]!))) best = s;
    if (!best) {
      exhausted = true;
      break;
    }
    const row = best.rows.shift()!;
    examined++;
    lastExamined = row;
    if (mayShow(viewer, row)) picked.push(row);
  }

  const page = picked.slice(0, limit);
  const keyOf = (r: GridRow): After => ({ createdAt: r.created_at.getTime(), videoId: r.video_id });
  let next: After | undefined;
  if (picked.length > limit) next = keyOf(page.at(-1)!);
  else if (!exhausted && lastExamined) next = keyOf(lastExamined); // stopped early: resume past what was examined
  return { page, prefetch: picked.slice(limit), next };
}
