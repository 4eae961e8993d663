// What a caption says besides its text: #hashtags and @mentions. Pure, so deciders,
// the import and the tests share one reading of it.
import { ValidationError } from "@flick/kernel";

export const MAX_HASHTAGS = 30;
export const MAX_HASHTAG_LENGTH = 30;
export const MAX_CAPTION_LENGTH = 2200;

const HASHTAG = /#([\p{L}\p{M}\p{N}_]+)/gu;
// Not after a word character or a dot, so "me@example.com" is no mention.
const MENTION = /(?<![\p{L}\p{N}_.])@([A-Za-z0-9._]{2,24})(?![A-Za-z0-9._])/gu;

/** Lower-case NFC: "#Café", "#CAFÉ" and "#cafe\u0301" are one hashtag. */
export function normaliseHashtag(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

/** The #hashtags of a caption, normalised, in order of first appearance, without repeats. */
export function captionHashtags(caption: string): string[] {
  const seen = new Set<string>();
  for (const m of caption.matchAll(HASHTAG)) seen.add(normaliseHashtag(m[1]!));
  return [...seen];
}

/** The @usernames of a caption, lower-cased, without repeats. */
export function captionMentions(caption: string): string[] {
  const seen = new Set<string>();
  for (const m of caption.matchAll(MENTION)) seen.add(m[1]!.toLowerCase());
  return [...seen];
}

/**
 * The video's hashtags: the caption's first, then the given ones, normalised and
 * de-duplicated; refuses more than 30 in all or one longer than 30 characters.
 */
export function mergeHashtags(caption: string, given: readonly string[], field = "hashtags"): string[] {
  const all = new Set<string>(captionHashtags(caption));
  for (const tag of given) {
    const name = normaliseHashtag(tag.replace(/^#/, ""));
    if (!/^[\p{L}\p{M}\p{N}_]+$/u.test(name)) throw ValidationError.field(field, `"${tag}" is not a hashtag (letters, digits and _)`);
    all.add(name);
  }
  const tags = [...all];
  const long = tags.find((t) => [...t].length > MAX_HASHTAG_LENGTH);
  if (long) throw ValidationError.field(field, `#${long} is longer than ${MAX_HASHTAG_LENGTH} characters`);
  if (tags.length > MAX_HASHTAGS) {
    throw ValidationError.field(field, `at most ${MAX_HASHTAGS} hashtags (caption and list together), got ${tags.length}`);
  }
  return tags;
}

export function checkCaption(caption: string, field = "caption"): void {
  if ([...caption].length > MAX_CAPTION_LENGTH) throw ValidationError.field(field, `at most ${MAX_CAPTION_LENGTH} characters`);
}
