import { describe, expect, it } from "vitest";
import { createIdGenerator, eventId, idTime } from "../src/index.js";

describe("eventId", () => {
  it("is the same UUID for the same request, stream and index", () => {
    expect(eventId("req-1", "video-a", 0)).toBe(eventId("req-1", "video-a", 0));
    expect(eventId("req-1", "video-a", 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("differs when any part differs, including ambiguous concatenations", () => {
    const ids = new Set([
      eventId("req-1", "video-a", 0),
      eventId("req-1", "video-a", 1),
      eventId("req-2", "video-a", 0),
      eventId("req-1", "video-b", 0),
      eventId("req-1x", "video-a", 0),
      eventId("req-", "1video-a", 0),
    ]);
    expect(ids.size).toBe(6);
  });

  it("refuses an empty request id (it would collide across requests)", () => {
    expect(() => eventId("", "video-a", 0)).toThrow();
  });
});

describe("createIdGenerator", () => {
  it("prefixes ids and keeps them valid as API ids and stream ids (no dash)", () => {
    const id = createIdGenerator().next("vid");
    expect(id).toMatch(/^vid_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it("sorts later ids after earlier ones, within a millisecond and when the clock steps back", () => {
    let t = 1_750_000_000_000;
    const clock = [0, 0, 0, 5, 5, -3, -3, 10];
    let i = 0;
    const gen = createIdGenerator({ now: () => t + clock[i++ % clock.length]! });
    const ids = Array.from({ length: 2000 }, () => gen.next("vid"));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("encodes its creation time", () => {
    const at = Date.UTC(2026, 4, 17, 12, 30, 0, 123);
    const id = createIdGenerator({ now: () => at }).next("usr");
    expect(idTime(id).toISOString()).toBe("2026-05-17T12:30:00.123Z");
  });

  it("sorts ids from different generators by time", () => {
    const a = createIdGenerator({ now: () => 1_000 }).next("vid");
    const b = createIdGenerator({ now: () => 2_000 }).next("vid");
    expect(a < b).toBe(true);
  });

  it("rejects prefixes that would break stream names", () => {
    expect(() => createIdGenerator().next("my-vid")).toThrow();
  });
});
