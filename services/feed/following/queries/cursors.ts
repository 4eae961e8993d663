// The opaque cursors of the Following and Friends feeds. A cursor names its feed and
// mode, so one from another feed or mode is refused (INVALID_ARGUMENT) rather than read
// as something it is not:
//   chronological: the (created_at, video_id) of the last video served; the next page
//                  starts strictly after it in newest-first order.
//   ranked:        a ranked session (the ordered list computed for the first page, kept
//                  in the fast store) and an offset into it, so pages never repeat or skip
//                  a video while counts keep moving.
import { ValidationError } from "@flick/kernel";

export type FeedName = "following" | "friends";
export type Mode = "chronological" | "ranked";

export type FeedCursor =
  | { feed: FeedName; mode: "chronological"; createdAt: number; videoId: string }
  | { feed: FeedName; mode: "ranked"; session: string; offset: number };

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function encodeCursor(c: FeedCursor): string {
  const body = c.mode === "chronological" ? { f: c.feed, m: "c", t: c.createdAt, v: c.videoId } : { f: c.feed, m: "r", s: c.session, o: c.offset };
  return Buffer.from(JSON.stringify(body), "utf8").toString("base64url");
}

/** The cursor's position, or undefined for the first page. */
export function decodeCursor(cursor: string, feed: FeedName, mode: Mode): FeedCursor | undefined {
  if (!cursor) return undefined;
  let body: Record<string, unknown>;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error();
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
    if (typeof body !== "object" || body === null) throw new Error();
  } catch {
    throw ValidationError.field("cursor", "malformed cursor: pass a next_cursor of this feed unchanged");
  }
  if (body.f !== "following" && body.f !== "friends") throw ValidationError.field("cursor", "malformed cursor");
  if (body.f !== feed) throw ValidationError.field("cursor", `a cursor of the ${body.f} feed, not of the ${feed} feed`);
  const m = body.m === "c" ? "chronological" : body.m === "r" ? "ranked" : undefined;
  if (!m) throw ValidationError.field("cursor", "malformed cursor");
  if (m !== mode) throw ValidationError.field("cursor", `a cursor of the ${m} mode: ask for that mode, or start again without a cursor`);
  if (m === "chronological") {
    if (!Number.isSafeInteger(body.t) || typeof body.v !== "string" || !ID.test(body.v)) throw ValidationError.field("cursor", "malformed cursor");
    return { feed, mode: m, createdAt: body.t as number, videoId: body.v };
  }
  if (typeof body.s !== "string" || !ID.test(body.s) || !Number.isSafeInteger(body.o) || (body.o as number) < 0) throw ValidationError.field("cursor", "malformed cursor");
  return { feed, mode: m, session: body.s, offset: body.o as number };
}
