// One page of a video list as one viewer sees it: the list table is scanned a few
// pages deep until `limit` visible videos are found (rows the viewer may not see are
// skipped, never counted), and the cursor resumes right after the last row read.
import type { PartitionKeyOf, TableSchema, WideColumnTable } from "@flick/read-store";
import type { Video } from "@flick/contracts/flick/video/v1/video_pb";
import { decodeListCursor, encodeListCursor } from "../../social/paging.js";
import { ValidationError } from "@flick/kernel";
import type { VideoContext } from "../video.context.js";
import { toVisibleVideos, videoRows, type UrlOf, type Viewer } from "./video-view.js";

export const DEFAULT_LIMIT = 20;
/** Table pages read for one API page at most: a page may come back short, never slow. */
const MAX_ROUNDS = 5;

export interface VisiblePageOptions<S extends TableSchema> {
  table: WideColumnTable<S>;
  partition: PartitionKeyOf<S>;
  /** Names the list, so a cursor of another list is refused. */
  list: string;
  limit: number;
  cursor: string;
  /** Rows worth looking up (e.g. READY only for other viewers); all by default. */
  keep?: (row: Record<string, unknown>) => boolean;
}

export async function visiblePage<S extends TableSchema>(
  ctx: VideoContext,
  viewer: Viewer,
  urlOf: UrlOf,
  opts: VisiblePageOptions<S>,
): Promise<{ videos: Video[]; nextCursor: string }> {
  const limit = opts.limit || DEFAULT_LIMIT;
  let tableCursor = decodeListCursor(opts.list, opts.cursor);
  const videos: Video[] = [];
  for (let round = 0; round < MAX_ROUNDS && videos.length < limit; round++) {
    const want = limit - videos.length;
    let page;
    try {
      page = await opts.table.scan(opts.partition, { limit: want, cursor: tableCursor });
    } catch (err) {
      if (tableCursor !== undefined) throw ValidationError.field("cursor", "invalid cursor");
      throw err;
    }
    const rows = page.rows.filter((r) => opts.keep?.(r as Record<string, unknown>) ?? true);
    const ids = rows.map((r) => (r as Record<string, unknown>).video_id as string);
    videos.push(...(await toVisibleVideos(ctx, viewer, await videoRows(ctx, ids), urlOf)));
    tableCursor = page.rows.length === want ? page.cursor : undefined;
    if (!tableCursor) break;
  }
  return { videos, nextCursor: encodeListCursor(opts.list, tableCursor) };
}
