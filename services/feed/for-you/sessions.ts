// A For You session: the chain of cursors a client scrolls through. The server keeps
// what the rules need across pages — every video served (no repeats within a session)
// and the last nine in order (the diversity windows span page boundaries) — in the fast
// store's cache (Redis in the server profiles), so any replica can serve the next page.
// The cursor itself is only the session id, the page number and the viewer it belongs to.
import { randomBytes } from "node:crypto";
import { ValidationError } from "@flick/kernel";
import { defineCache, type Cache } from "@flick/read-store";
import type { Served } from "./model/diversity.js";

export const feedSessionsCache = defineCache("feed_sessions", { ttlSeconds: 6 * 3600 });

/** Most videos a session remembers serving (older ones may come back after ~6,000 swipes). */
const MAX_SERVED = 6_000;

export interface FeedSession {
  id: string;
  viewerKey: string;
  page: number;
  served: string[];
  history: (Served & { videoId: string })[];
}

const badCursor = (why: string) => ValidationError.field("cursor", why);

export function newSession(viewerKey: string): FeedSession {
  return { id: randomBytes(12).toString("base64url"), viewerKey, page: 0, served: [], history: [] };
}

export function cursorOf(s: FeedSession): string {
  return `fy1.${s.id}.${s.page}`;
}

export async function loadSession(cache: Cache, cursor: string, viewerKey: string): Promise<FeedSession> {
  const m = /^fy1\.([A-Za-z0-9_-]{16})\.(\d{1,6})$/.exec(cursor);
  if (!m) throw badCursor("not a For You cursor");
  const raw = await cache.get(m[1]!);
  if (!raw) throw badCursor("this feed session has expired: start a new one without a cursor");
  const s = JSON.parse(raw) as FeedSession;
  if (s.viewerKey !== viewerKey) throw badCursor("this cursor belongs to another viewer");
  if (Number(m[2]) > s.page) throw badCursor("not a cursor this session issued");
  return s;
}

export async function saveSession(cache: Cache, s: FeedSession, added: readonly (Served & { videoId: string })[]): Promise<void> {
  s.page++;
  s.served.push(...added.map((a) => a.videoId));
  if (s.served.length > MAX_SERVED) s.served = s.served.slice(-MAX_SERVED);
  s.history = [...s.history, ...added].slice(-9);
  await cache.set(s.id, JSON.stringify(s));
}
