// The load generator of bench:engagement, in a worker thread so that its own HTTP/2 and
// protobuf work does not share the event loop of the Flick process it measures (a real
// client runs elsewhere). 80 % views, 20 % likes/unlikes by random users of random
// videos; reports each like's consistency token with its send time (epoch ms) so the
// main thread can time the count projection, and the totals at the end.
import { randomUUID } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { EngagementService } from "@flick/contracts/flick/engagement/v1/engagement_service_pb";
import { ViewSource } from "@flick/contracts/flick/engagement/v1/engagement_pb";

export interface LoadInput {
  baseUrl: string;
  /** Bearer tokens; index 0 is the creator, who never acts here. */
  tokens: string[];
  videos: string[];
  seconds: number;
  concurrency: number;
}

export type LoadMessage =
  | { type: "like"; consistencyToken: string; sentAt: number }
  | { type: "done"; views: number; likes: number; errors: number; firstError: string; elapsedSeconds: number };

const input = workerData as LoadInput;
const rid = () => randomUUID().replace(/-/g, "");
const epochNow = () => performance.timeOrigin + performance.now();
// A few HTTP/2 connections shared by every simulated user (the token goes per call).
const clients = Array.from({ length: 4 }, () =>
  createClient(EngagementService, createConnectTransport({ baseUrl: input.baseUrl, httpVersion: "2", useBinaryFormat: true })),
);
const users = input.tokens.length;
const liked = new Set<string>();
let views = 0;
let likes = 0;
let errors = 0;
let firstError = "";
const deadline = performance.now() + input.seconds * 1000;

async function worker(w: number) {
  let i = w;
  while (performance.now() < deadline) {
    i += input.concurrency;
    const u = ((i * 7919) % (users - 1)) + 1;
    const v = input.videos[(i * 104729) % input.videos.length]!;
    const client = clients[i % clients.length]!;
    const headers = { authorization: `Bearer ${input.tokens[u]}` };
    try {
      if (i % 5 !== 0) {
        await client.recordView({ requestId: rid(), videoId: v, watchTimeMs: 9_000, completionRatio: 0.6, source: ViewSource.FYP }, { headers });
        views++;
      } else {
        const key = `${u}/${v}`;
        const on = !liked.has(key);
        const sentAt = epochNow();
        const r = on
          ? await client.likeVideo({ requestId: rid(), videoId: v }, { headers })
          : await client.unlikeVideo({ requestId: rid(), videoId: v }, { headers });
        if (on) liked.add(key);
        else liked.delete(key);
        likes++;
        if (r.consistencyToken) parentPort!.postMessage({ type: "like", consistencyToken: r.consistencyToken, sentAt } satisfies LoadMessage);
      }
    } catch (e) {
      errors++;
      firstError ||= String(e);
    }
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: input.concurrency }, (_, w) => worker(w)));
const elapsedSeconds = (performance.now() - started) / 1000;
parentPort!.postMessage({ type: "done", views, likes, errors, firstError, elapsedSeconds } satisfies LoadMessage);
