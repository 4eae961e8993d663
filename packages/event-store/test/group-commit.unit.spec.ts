import { describe, expect, it } from "vitest";
import { GroupCommitter, type Outcome } from "../src/internal/group-commit.js";

/** A commit function that records each group and completes when told to. */
function recorder() {
  const groups: number[][] = [];
  const release: Array<() => void> = [];
  const commit = async (items: number[]): Promise<Outcome<number>[]> => {
    groups.push(items);
    await new Promise<void>((resolve) => release.push(resolve));
    return items.map((n) => (n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 10 }));
  };
  /** Lets pending groups start, completes every group in flight, lets callers see it. */
  const flush = async () => {
    await tick();
    while (release.length) release.shift()!();
    await tick();
  };
  return { groups, commit, flush };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("group commit", () => {
  it("batches what arrives while a group is in flight into the next group", async () => {
    const r = recorder();
    const committer = new GroupCommitter(r.commit, { maxGroupSize: 100, maxConcurrentGroups: 1 });
    const first = committer.submit(1);
    await tick();
    const rest = [2, 3, 4].map((n) => committer.submit(n));
    await r.flush();
    await r.flush();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(r.groups).toEqual([[1], [2, 3, 4]]);
  });

  it("bounds the group size and the groups in flight", async () => {
    const r = recorder();
    const committer = new GroupCommitter(r.commit, { maxGroupSize: 2, maxConcurrentGroups: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => committer.submit(n));
    await tick();
    expect(r.groups).toEqual([[1, 2], [3, 4]]);
    await r.flush();
    await r.flush();
    expect(r.groups).toEqual([[1, 2], [3, 4], [5]]);
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
  });

  it("fails only the items whose outcome is an error", async () => {
    const r = recorder();
    const committer = new GroupCommitter(r.commit, { maxGroupSize: 10, maxConcurrentGroups: 1 });
    const results = Promise.allSettled([1, -2, 3].map((n) => committer.submit(n)));
    await r.flush();
    expect((await results).map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });

  it("fails every item when the group's commit throws", async () => {
    const failure = new Error("connection lost");
    const committer = new GroupCommitter<number, number>(async () => Promise.reject(failure), {
      maxGroupSize: 10,
      maxConcurrentGroups: 1,
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => committer.submit(n)));
    expect(results).toEqual(results.map(() => ({ status: "rejected", reason: failure })));
  });

  it("drains on close and refuses new items", async () => {
    const r = recorder();
    const committer = new GroupCommitter(r.commit, { maxGroupSize: 10, maxConcurrentGroups: 1 });
    const pending = committer.submit(1);
    await tick();
    const closed = committer.close();
    await expect(committer.submit(2)).rejects.toThrow(/closed/);
    await r.flush();
    await closed;
    expect(await pending).toBe(10);
  });
});
