// @mentions in comment text: "@" + a username (2–24 letters, digits, '.', '_') not glued
// to a preceding word character (so e-mail addresses are not mentions). Offsets count
// code points, as the API does.
export interface MentionToken {
  /** As typed, without "@". */
  username: string;
  /** Index of "@" in code points. */
  start: number;
  /** Including "@", in code points. */
  length: number;
}

/** The most mentions resolved in one comment (the rest stay plain text). */
export const MAX_MENTIONS = 20;

export function findMentions(text: string): MentionToken[] {
  const chars = [...text];
  const out: MentionToken[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== "@") continue;
    const before = chars[i - 1];
    if (before !== undefined && /[\p{L}\p{N}_.@]/u.test(before)) continue;
    let j = i + 1;
    while (j < chars.length && /[A-Za-z0-9._]/.test(chars[j]!)) j++;
    let name = chars.slice(i + 1, j).join("");
    name = name.replace(/\.+$/, ""); // a sentence's full stop is not part of the name
    if (name.length >= 2 && name.length <= 24) out.push({ username: name, start: i, length: name.length + 1 });
    i = j - 1;
  }
  return out;
}
