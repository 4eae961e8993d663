// bench:feed — the For You model's serving cost at scale, in process: a simulated
// catalogue (bench/sim's world: hashtags, captions, sounds, creators) of 100,000 videos
// (1,000,000 with --1m), 10,000 viewers with a view history, candidates from the
// in-process HNSW index (usearch) through the vector-index port, and GetForYouFeed's
// model step (candidates → filters → ranking → re-ranking) timed per page at a paced
// 200 requests/s. Also: build and refresh times, resident memory, and the ANN's
// recall@300 against exact search on the viewers' own taste vectors.
//
// What it does not time: the RPC around the model (auth, the viewer's social context,
// rendering 8 videos from the catalogue) — bench:sim reports the client-side latency of
// the whole call on a running server.
//
//   npm run bench:feed                  100k videos, 10k viewers
//   npm run bench:feed -- --1m          also 1M videos
//   npm run bench:feed -- --videos 20000 --viewers 2000 --requests 500
import { parseArgs } from "node:util";
import { HnswVectorIndex } from "@flick/vector-index";
import { percentile, printJson, printTable, type Row } from "../lib/report.js";
import { configFrom } from "../sim/config.js";
import { Viewer } from "../sim/viewer.js";
import { buildWorld } from "../sim/world.js";
import { Recommender } from "../../services/feed/for-you/model/recommender.js";
import { videoVectors } from "../../services/feed/for-you/live-model.js";
import { FEED_GRAPH } from "../../services/feed/for-you/vector-index.js";
import { dot } from "../../services/feed/for-you/model/vectors.js";

const { values } = parseArgs({
  options: {
    videos: { type: "string", default: "100000" },
    viewers: { type: "string", default: "10000" },
    history: { type: "string", default: "16" },
    requests: { type: "string", default: "2000" },
    rate: { type: "string", default: "200" },
    "1m": { type: "boolean", default: false },
  },
});

const mb = (n: number) => Math.round(n / 1048576);
const log = (s: string) => process.stderr.write(`[feed] ${s}\n`);

async function run(videoCount: number) {
  const viewers = Number(values.viewers);
  const { world: wp, run: rp } = configFrom(undefined, { viewers, backgroundViewers: 0, seed: 11 });
  wp.videos = videoCount;
  wp.creators = Math.max(500, Math.round(videoCount / 40));
  const world = buildWorld(wp, rp);
  const V = world.videos;
  const rss0 = process.memoryUsage().rss;
  const model = new Recommender();
  let t = performance.now();
  for (let v = 0; v < V.size; v++) {
    model.upsertVideo({
      videoId: String(v),
      creatorId: `c${V.creator[v]}`,
      soundId: `s${V.sound[v]}`,
      hashtags: V.hashtags[v]!,
      caption: V.caption[v]!,
      durationMs: V.durationMs[v]!,
      createdAt: Date.now() - V.ageMs[v]!,
      visibility: "public",
    });
  }
  const loadS = (performance.now() - t) / 1000;
  t = performance.now();
  model.refresh();
  const refreshS = (performance.now() - t) / 1000;
  log(`${videoCount} videos loaded in ${loadS.toFixed(1)} s, refreshed in ${refreshS.toFixed(1)} s`);

  const index = new HnswVectorIndex(FEED_GRAPH);
  const collection = await index.ensureCollection(videoVectors);
  t = performance.now();
  model.takeChangedVectors();
  await collection.load(
    (function* () {
      for (const v of model.videos.values()) yield { id: v.videoId, vector: v.vector, payload: { creatorId: v.creatorId, soundId: v.soundId, createdAt: v.createdAt, visibility: v.visibility } };
    })(),
  );
  const indexS = (performance.now() - t) / 1000;

  const nearest = async (vector: Float32Array, k: number) => (await collection.searchIds(vector, k, { publicOnly: true })).map((h) => h.id);
  // Histories: each viewer watches `history` videos picked from their own page, as a
  // viewer of the real feed would (so tastes point somewhere), reported one by one.
  t = performance.now();
  const people = world.viewers.map((s) => new Viewer(world, s));
  const H = Number(values.history);
  for (const [i, p] of people.entries()) {
    const key = `v${i}`;
    let seen: string[] = [];
    while (p.swipes < H) {
      const page = await model.page({ viewerKey: key, limit: 8, history: [], exclude: new Set(seen), visible: () => true, now: Date.now(), nearest });
      if (page.items.length === 0) break;
      for (const item of page.items) {
        if (p.swipes >= H) break;
        const w = p.watch(Number(item.videoId));
        model.observeView(key, item.videoId, w.ratio, Date.now());
        seen.push(item.videoId);
      }
    }
    seen = [];
  }
  const historyS = (performance.now() - t) / 1000;
  log(`${viewers} viewers × ${H} views in ${historyS.toFixed(1)} s`);

  // Paced requests: random viewers, 8 per page, the HNSW index for neighbours.
  const requests = Number(values.requests);
  const gapMs = 1000 / Number(values.rate);
  const lat: number[] = [];
  // Time spent in page() itself: whether the latency is the work or the queue behind it.
  let serviceMs = 0;
  const start = performance.now();
  for (let r = 0; r < requests; r++) {
    const due = start + r * gapMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    const key = `v${Math.floor(Math.random() * viewers)}`;
    const t0 = performance.now();
    await model.page({ viewerKey: key, limit: 8, history: [], exclude: new Set(), visible: () => true, now: Date.now(), nearest });
    const t1 = performance.now();
    serviceMs += t1 - t0;
    // Latency as a client would see it: from when the request was due.
    lat.push(t1 - Math.min(t0, due));
  }
  const achieved = requests / ((performance.now() - start) / 1000);

  // Recall of the ANN against exact search, on the viewers' taste vectors.
  let hits = 0;
  let total = 0;
  const all = [...model.videos.values()];
  for (let q = 0; q < 50; q++) {
    const key = `v${q}`;
    const taste = (model as unknown as { viewers: Map<string, unknown> }).viewers.has(key) ? tasteOf(model, key) : undefined;
    if (!taste || dot(taste, taste) < 1e-12) continue;
    const k = 300;
    const exact = all
      .map((v) => ({ id: v.videoId, s: dot(taste, v.vector) / Math.sqrt(dot(taste, taste)) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, k)
      .map((x) => x.id);
    const got = new Set(await nearest(taste, k));
    hits += exact.filter((id) => got.has(id)).length;
    total += k;
  }
  await index.close();
  return {
    videos: videoCount,
    viewers,
    loadS,
    refreshS,
    indexS,
    historyS,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: Math.max(...lat),
    serviceMean: serviceMs / requests,
    rate: achieved,
    recall: total ? hits / total : NaN,
    rssMb: mb(process.memoryUsage().rss - rss0),
  };
}

function tasteOf(model: Recommender, key: string): Float32Array {
  const m = model as unknown as { viewers: Map<string, { model: { taste(v: unknown, e: number): Float32Array } }>; vectorOf: unknown; epoch: number };
  return m.viewers.get(key)!.model.taste(m.vectorOf, m.epoch);
}

const sizes = [Number(values.videos), ...(values["1m"] ? [1_000_000] : [])];
const results = [];
for (const n of sizes) results.push(await run(n));
const rows: Row[] = results.map((r) => ({
  videos: r.videos.toLocaleString("en"),
  viewers: r.viewers.toLocaleString("en"),
  "p50 ms": r.p50.toFixed(2),
  "p99 ms": r.p99.toFixed(2),
  "max ms": r.max.toFixed(1),
  "mean service ms": r.serviceMean.toFixed(2),
  "req/s": r.rate.toFixed(0),
  "recall@300": r.recall.toFixed(3),
  "load s": r.loadS.toFixed(1),
  "refresh s": r.refreshS.toFixed(1),
  "index s": r.indexS.toFixed(1),
  "RSS MB": r.rssMb,
}));
printTable("For You model step (candidates → filters → ranking → re-ranking), in process, HNSW candidates", rows);
printJson({ bench: "feed", results });
