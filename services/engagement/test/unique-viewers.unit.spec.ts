// The unique-viewer sketch: exact while small, a HyperLogLog past SPARSE_MAX hashes, and
// a union (so redelivered, repeated or reordered views count each viewer once).
import { describe, expect, it } from "vitest";
import { addViewers, decodeSketch, emptySketch, encodeSketch, estimate, SPARSE_MAX, viewerHash } from "../analytics/unique-viewers.js";

const hashes = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => viewerHash(`u:${from + i}`));

describe("unique viewers sketch", () => {
  it("counts exactly while sparse, and says whether a batch added anyone", () => {
    const first = addViewers(emptySketch(), hashes(0, 100));
    expect(first.changed).toBe(true);
    expect(estimate(first.sketch)).toBe(100);
    const again = addViewers(decodeSketch(encodeSketch(first.sketch)), hashes(50, 100));
    expect(again.changed).toBe(false);
    expect(estimate(again.sketch)).toBe(100);
  });

  it("turns into a HyperLogLog past the sparse limit, within a few per cent", () => {
    let sketch = emptySketch();
    for (let i = 0; i < 20_000; i += 1_000) sketch = addViewers(sketch, hashes(i, i + 1_000)).sketch;
    expect(sketch.kind).toBe("dense");
    expect(Math.abs(estimate(sketch) - 20_000) / 20_000).toBeLessThan(0.05);
    const round = decodeSketch(encodeSketch(sketch));
    expect(estimate(round)).toBe(estimate(sketch));
    // Viewers already counted leave the registers as they were: nothing to write back.
    expect(addViewers(round, hashes(0, 2_000)).changed).toBe(false);
    expect(SPARSE_MAX).toBeLessThan(1_000);
  });

  it("is a union: order and repeats do not matter", () => {
    const a = hashes(0, 600);
    const b = hashes(400, 1_000);
    const ab = addViewers(addViewers(emptySketch(), a).sketch, b).sketch;
    const ba = addViewers(addViewers(addViewers(emptySketch(), b).sketch, a).sketch, b).sketch;
    expect(encodeSketch(ab)).toBe(encodeSketch(ba));
  });
});
