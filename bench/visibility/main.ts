// bench:visibility — the cost of the social visibility check (services/social/visibility.ts)
// in the hot path: filtering a batch of 1,000 candidate items (a For You funnel's input)
// for a viewer who follows many accounts and blocks a few, once the viewer's context is
// loaded. The load itself is three partition reads and is measured by bench:readstores.
//
//   npm run bench:visibility       (BENCH_ROUNDS, BENCH_FOLLOWING to change the load)

import { ViewerContext, type Privacy, type VisibleItem } from "../../services/social/visibility.js";
import { percentile, printJson, printTable } from "../lib/report.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20_000);
const FOLLOWING = Number(process.env.BENCH_FOLLOWING ?? 10_000);
const CANDIDATES = 1_000;
const CREATORS = 50_000;

const id = (n: number) => `usr_01JD8W3Q5Z6YB1T0E4H7K${String(n).padStart(5, "0")}`;
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = (n: number) => Math.floor(random() * n);

// A heavy viewer: follows 10,000 accounts (the limit), 30 % of them back; blocks 200,
// is blocked by 50.
const following = new Set<string>();
while (following.size < FOLLOWING) following.add(id(pick(CREATORS)));
const friends = new Set([...following].filter(() => random() < 0.3));
const blocking = new Set(Array.from({ length: 200 }, () => id(pick(CREATORS))));
const blockers = new Set(Array.from({ length: 50 }, () => id(pick(CREATORS))));
const viewer = new ViewerContext(id(CREATORS + 1), following, friends, blocking, blockers);

const privacies: Privacy[] = ["public", "public", "public", "public", "friends", "private"];
const batches: VisibleItem[][] = Array.from({ length: 64 }, () =>
  Array.from({ length: CANDIDATES }, () => ({
    creatorId: id(pick(CREATORS)),
    privacy: privacies[pick(privacies.length)]!,
    creatorPrivate: random() < 0.1,
  })),
);

let kept = 0;
for (let i = 0; i < 2_000; i++) kept += viewer.filter(batches[i % batches.length]!).length; // warm-up (JIT)
const samples: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const batch = batches[i % batches.length]!;
  const t0 = process.hrtime.bigint();
  kept += viewer.filter(batch).length;
  samples.push(Number(process.hrtime.bigint() - t0) / 1e3);
}

const figures = {
  bench: "visibility",
  candidates: CANDIDATES,
  following: FOLLOWING,
  rounds: ROUNDS,
  p50_us: percentile(samples, 50),
  p99_us: percentile(samples, 99),
  mean_us: samples.reduce((a, b) => a + b, 0) / samples.length,
  kept_per_batch: kept / (ROUNDS + 2_000),
  node: process.version,
};
printTable("bench:visibility — ViewerContext.filter on 1,000 candidates", [
  {
    viewer: `follows ${FOLLOWING.toLocaleString("en-US")}, blocks 200, blocked by 50`,
    "p50 µs": figures.p50_us,
    "p99 µs": figures.p99_us,
    "mean µs": figures.mean_us,
    "kept / 1,000": figures.kept_per_batch,
  },
]);
printJson(figures);
