// The re-ranking rules every For You page obeys, across page boundaries (the session's
// last nine videos count): never two consecutive videos by one creator, at most three
// with one sound and at least eight distinct creators in any ten consecutive.

export interface Served {
  creatorId: string;
  soundId: string;
}

export const WINDOW = 10;
const MAX_PER_SOUND = 3;
const MIN_CREATORS = 8;

/** May `next` follow `recent` (oldest first; only the last WINDOW − 1 matter)? */
export function allowsNext(recent: readonly Served[], next: Served): boolean {
  return nextAllowed(recent)(next);
}

/**
 * allowsNext for many candidates after the same `recent`: the window is counted once, so
 * each candidate costs two lookups (re-ranking asks for every candidate in a slot).
 */
export function nextAllowed(recent: readonly Served[]): (next: Served) => boolean {
  const n = recent.length;
  const lastCreator = n > 0 ? recent[n - 1]!.creatorId : undefined;
  const sounds = new Map<string, number>();
  const creators = new Set<string>();
  for (let k = Math.max(0, n - (WINDOW - 1)); k < n; k++) {
    const r = recent[k]!;
    sounds.set(r.soundId, (sounds.get(r.soundId) ?? 0) + 1);
    creators.add(r.creatorId);
  }
  const windowSize = Math.min(n, WINDOW - 1) + 1;
  const minDistinct = windowSize - (WINDOW - MIN_CREATORS);
  return (next) => {
    if (next.creatorId === lastCreator) return false;
    const sameSound = next.soundId ? (sounds.get(next.soundId) ?? 0) : 0;
    const distinct = creators.size + (creators.has(next.creatorId) ? 0 : 1);
    return sameSound < MAX_PER_SOUND && distinct >= minDistinct;
  };
}

/** Counts rule breaks in a sequence (tests and the simulator's own check). */
export function violations(seq: readonly Served[]): number {
  let bad = 0;
  for (let i = 1; i < seq.length; i++) if (!allowsNext(seq.slice(Math.max(0, i - WINDOW + 1), i), seq[i]!)) bad++;
  return bad;
}
