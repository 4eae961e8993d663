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
  const n = recent.length;
  if (n > 0 && recent[n - 1]!.creatorId === next.creatorId) return false;
  let sameSound = 0;
  const creators = new Set<string>([next.creatorId]);
  for (let k = Math.max(0, n - (WINDOW - 1)); k < n; k++) {
    const r = recent[k]!;
    if (next.soundId && r.soundId === next.soundId) sameSound++;
    creators.add(r.creatorId);
  }
  const windowSize = Math.min(n, WINDOW - 1) + 1;
  return sameSound < MAX_PER_SOUND && creators.size >= windowSize - (WINDOW - MIN_CREATORS);
}

/** Counts rule breaks in a sequence (tests and the simulator's own check). */
export function violations(seq: readonly Served[]): number {
  let bad = 0;
  for (let i = 1; i < seq.length; i++) if (!allowsNext(seq.slice(Math.max(0, i - WINDOW + 1), i), seq[i]!)) bad++;
  return bad;
}
