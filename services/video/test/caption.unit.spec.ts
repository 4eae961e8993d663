// Reading hashtags and mentions out of captions.
import { describe, expect, it } from "vitest";
import { ValidationError } from "@flick/kernel";
import { captionHashtags, captionMentions, mergeHashtags } from "../domain/caption.js";

describe("hashtags", () => {
  it("are lower-cased, NFC-normalised and de-duplicated, in order", () => {
    expect(captionHashtags("#Dance then #dance and #FYP #Café #cafe\u0301")).toEqual(["dance", "fyp", "café"]);
  });
  it("merge with the given list, without '#', case-insensitively", () => {
    expect(mergeHashtags("new #Trick", ["trick", "#Skate", "SKATE"])).toEqual(["trick", "skate"]);
  });
  it("are at most 30, of at most 30 characters", () => {
    const many = Array.from({ length: 31 }, (_, i) => `t${i}`);
    expect(() => mergeHashtags("", many)).toThrow(ValidationError);
    expect(() => mergeHashtags(`#${"x".repeat(31)}`, [])).toThrow(ValidationError);
    expect(mergeHashtags(many.slice(0, 15).map((t) => `#${t}`).join(" "), many.slice(15, 30))).toHaveLength(30);
  });
  it("refuses what is not a hashtag", () => {
    expect(() => mergeHashtags("", ["no spaces"])).toThrow(ValidationError);
  });
});

describe("mentions", () => {
  it("are usernames after '@', not e-mail addresses", () => {
    expect(captionMentions("hi @Ana_b and @bob.x, mail me@example.com @ana_B")).toEqual(["ana_b", "bob.x"]);
  });
});
