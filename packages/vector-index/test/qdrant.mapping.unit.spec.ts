// What the Qdrant adapter sends, checked without a server: ids Qdrant accepts, and filters
// that exclude the right points.

import { describe, expect, it } from "vitest";
import { toQdrantFilter } from "../src/qdrant/qdrant.filter.js";
import { pointIdOf } from "../src/qdrant/qdrant.ids.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("Qdrant point ids", () => {
  it("map any string id to a stable name-based UUID (v5), distinct per id", () => {
    expect(pointIdOf("video-1")).toMatch(UUID);
    expect(pointIdOf("video-1")).toBe(pointIdOf("video-1"));
    expect(pointIdOf("video-1")).not.toBe(pointIdOf("video-2"));
    // Same as RFC 9562 v5 with Flick's namespace (checked against the uuid package).
    expect(pointIdOf("video-1")).toBe("1a08e12a-58f0-54e0-b499-853e59910ea7");
  });

  it("keep an id that already is a UUID", () => {
    expect(pointIdOf("0b7e6a52-3c1d-4f6a-9b2e-1d2c3b4a5f60")).toBe("0b7e6a52-3c1d-4f6a-9b2e-1d2c3b4a5f60");
  });
});

describe("Qdrant filters", () => {
  it("is absent when nothing filters", () => {
    expect(toQdrantFilter(undefined)).toBeUndefined();
    expect(toQdrantFilter({ excludeIds: [], excludeCreatorIds: [] })).toBeUndefined();
  });

  it("excludes the point ids of excluded videos and requires the payload conditions", () => {
    expect(toQdrantFilter({ excludeIds: new Set(["video-1"]), excludeCreatorIds: ["c9"], publicOnly: true, createdAfter: 1234 })).toEqual({
      must: [
        { key: "visibility", match: { value: "public" } },
        { key: "createdAt", range: { gt: 1234 } },
      ],
      must_not: [{ has_id: [pointIdOf("video-1")] }, { key: "creatorId", match: { any: ["c9"] } }],
    });
  });
});
