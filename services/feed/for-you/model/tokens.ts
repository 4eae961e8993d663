// What a video says about its topic, as weighted tokens: hashtags (the creator's own
// labels, strongest), caption words, the sound and the creator (creators stick to their
// subjects). The recommender never sees pixels: these are its content features.

export interface VideoContent {
  creatorId: string;
  soundId?: string;
  hashtags: readonly string[];
  caption: string;
}

/**
 * A video's tokens, flat: token id, weight, token id, weight… (ids from the content
 * embedding's vocabulary; weights are integers). Numbers rather than an object and a
 * string per token: the model keeps them for every video (as ranges of one Int32Array:
 * video-entry.ts), and at 100k videos those were ~2 million small objects in the old
 * generation for every major GC to mark.
 */
export type TokenList = ArrayLike<number>;

const STOP = new Set(
  "the and for with this that you your are was were have has had not but from they them what when where which who why how all any can out our get got just like more most some than then too very will its it's his her she him about into over also only new one two".split(" "),
);

/** `id` turns a token into its vocabulary id (adding it when new). */
export function videoTokens(v: VideoContent, id: (token: string) => number): number[] {
  const out = new Map<string, number>();
  const add = (t: string, w: number) => out.set(t, Math.max(out.get(t) ?? 0, w));
  for (const h of v.hashtags) add(`#${h.toLowerCase()}`, 2);
  for (const raw of v.caption.toLowerCase().split(/[^\p{L}\p{N}#@_]+/u)) {
    if (raw.length < 3 || raw.startsWith("@") || STOP.has(raw)) continue;
    if (raw.startsWith("#")) add(raw, 2);
    else add(`w:${raw}`, 1);
  }
  if (v.soundId) add(`s:${v.soundId}`, 1);
  add(`c:${v.creatorId}`, 1);
  const list: number[] = [];
  for (const [token, weight] of out) list.push(id(token), weight);
  return list;
}
