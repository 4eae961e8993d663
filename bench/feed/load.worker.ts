// The client side of bench:feed:server, in a worker thread so that its HTTP/2 and
// protobuf work does not share the event loop of the Flick process it measures.
// Phase "history": every viewer scrolls For You (pages of 8, with the cursor) and reports
// `history` views (RecordView, watch time from the simulator's Viewer model), `concurrency`
// viewers at a time. Then one measured window per rate (each on the main thread's "go"):
// GetForYouFeed at that paced rate for `seconds`, open loop — each request is sent when it is due whatever is still
// in flight, and its latency counts from when it was due, so queueing counts. Random
// viewers; each request continues that viewer's session (cursor) or starts a new one.
// No views are reported in that window.
import { parentPort, workerData } from "node:worker_threads";
import { ViewSource } from "@flick/contracts/flick/engagement/v1/engagement_pb";
import { apiOn, connectTransport, pool, requestId, type Api } from "../sim/client.js";
import type { RunParams, WorldParams } from "../sim/config.js";
import { Viewer } from "../sim/viewer.js";
import { buildWorld } from "../sim/world.js";

export interface LoadInput {
  baseUrl: string;
  /** Bearer token of each viewer, in world order. */
  tokens: string[];
  /** Server video id of each world video. */
  ids: string[];
  world: WorldParams;
  run: Pick<RunParams, "seed" | "viewers" | "backgroundViewers">;
  history: number;
  concurrency: number;
  /** One measured window per rate, in order (each on a "go"). */
  rates: number[];
  seconds: number;
  tag: string;
}

export type LoadMessage =
  | { type: "progress"; views: number; viewers: number }
  | { type: "history"; seconds: number; views: number; pages: number; errors: number; firstError: string }
  | {
      type: "done";
      rate: number;
      /** Client-side latency of each request, ms from when it was due. */
      latencies: number[];
      /** Send lateness of the worker's own pacing (ms): how late the worker fired. */
      maxSendLagMs: number;
      sent: number;
      errors: number;
      firstError: string;
      elapsedSeconds: number;
      emptyPages: number;
      newSessions: number;
    };

export type ControlMessage = { type: "go" };

const input = workerData as LoadInput;
const world = buildWorld(input.world, input.run);
const byId = new Map(input.ids.map((id, v) => [id, v]));
// A few HTTP/2 connections shared by every simulated viewer (the token goes per call).
const apis: Api[] = Array.from({ length: 4 }, () => apiOn(connectTransport(input.baseUrl)));
const headersOf = (u: number) => ({ headers: { authorization: `Bearer ${input.tokens[u]}` } });
let errors = 0;
let firstError = "";
const fail = (e: unknown) => {
  errors++;
  firstError ||= String(e);
};

// ---- history ----
const t0 = performance.now();
let views = 0;
let pages = 0;
let viewersDone = 0;
const ticker = setInterval(() => parentPort!.postMessage({ type: "progress", views, viewers: viewersDone } satisfies LoadMessage), 10_000);
await pool(world.viewers, input.concurrency, async (spec, u) => {
  const api = apis[u % apis.length]!;
  const viewer = new Viewer(world, spec);
  let cursor = "";
  try {
    while (viewer.swipes < input.history) {
      const page = await api.feed.getForYouFeed({ limit: 8, cursor }, headersOf(u));
      pages++;
      for (const item of page.items) {
        if (viewer.swipes >= input.history) break;
        const v = byId.get(item.video?.videoId ?? "");
        if (v === undefined) continue;
        const watch = viewer.watch(v);
        await api.engagement.recordView(
          {
            requestId: requestId(input.tag, "view", u, viewer.swipes),
            videoId: input.ids[v]!,
            watchTimeMs: Math.round(watch.ratio * world.videos.durationMs[v]!),
            completionRatio: watch.ratio,
            source: ViewSource.FYP,
            impressionId: item.impressionId,
          },
          headersOf(u),
        );
        views++;
      }
      cursor = page.nextCursor;
      if (!cursor || page.items.length === 0) cursor = "";
      if (page.items.length === 0) break;
    }
  } catch (e) {
    fail(e);
  }
  viewersDone++;
});
clearInterval(ticker);
parentPort!.postMessage({ type: "history", seconds: (performance.now() - t0) / 1000, views, pages, errors, firstError } satisfies LoadMessage);

// ---- measured windows, one per rate ----
for (const rate of input.rates) {
  await new Promise<void>((resolve) => parentPort!.once("message", (m: ControlMessage) => m.type === "go" && resolve()));
  parentPort!.postMessage(await window(rate));
}

async function window(rate: number): Promise<LoadMessage> {
  errors = 0;
  firstError = "";
  const cursors = new Map<number, { cursor: string; pages: number }>();
  const latencies: number[] = [];
  let emptyPages = 0;
  let newSessions = 0;
  let maxSendLagMs = 0;
  const total = Math.round(rate * input.seconds);
  const gap = 1000 / rate;
  const inFlight = new Set<Promise<void>>();
  // A session is 1–6 pages (8–48 videos) before the viewer comes back fresh.
  const send = (r: number, due: number) => {
    const u = Math.floor(Math.random() * input.tokens.length);
    const s = cursors.get(u);
    const fresh = !s || !s.cursor || s.pages >= 1 + Math.floor(Math.random() * 6);
    if (fresh) newSessions++;
    const cursor = fresh ? "" : s.cursor;
    const p = apis[r % apis.length]!.feed.getForYouFeed({ limit: 8, cursor }, headersOf(u)).then(
      (page) => {
        latencies.push(performance.now() - due);
        if (page.items.length === 0) emptyPages++;
        cursors.set(u, { cursor: page.nextCursor, pages: fresh ? 1 : s!.pages + 1 });
      },
      (e) => {
        latencies.push(performance.now() - due);
        fail(e);
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const start = performance.now();
  for (let r = 0; r < total; ) {
    const now = performance.now();
    // Everything due by now goes out (a late timer sends a burst, as clients would have).
    while (r < total && start + r * gap <= now) {
      const due = start + r * gap;
      maxSendLagMs = Math.max(maxSendLagMs, now - due);
      send(r, due);
      r++;
    }
    if (r < total) await new Promise((res) => setTimeout(res, Math.max(0, start + r * gap - performance.now())));
  }
  await Promise.all(inFlight);
  const elapsedSeconds = (performance.now() - start) / 1000;
  return { type: "done", rate, latencies, maxSendLagMs, sent: total, errors, firstError, elapsedSeconds, emptyPages, newSessions };
}
