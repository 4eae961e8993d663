// What a trending refresh costs: N videos (hashtags and sounds from pools), V views
// spread over the last 8 days with a skew toward popular videos (likes V/10, shares
// V/50), projected; then the time of a refresh, of the projection's catch-up, and of a
// page of ListTrendingVideos. Not a test: a measurement for README.md.
//
//   npx tsx services/trending/bench/refresh-cost.ts [videos=10000] [views=200000]
// Profiles: embedded always; server (PostgreSQL + Redis, fresh database and Redis index)
// when POSTGRES_URL and REDIS_URL are set.
import { randomUUID } from "node:crypto";
import { create, createRegistry, type Message } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { file_flick_events_v1_engagement, ShareKind, VideoLikedSchema, VideoSharedSchema, VideoViewedSchema } from "@flick/contracts/flick/events/v1/engagement_pb";
import { AccountRegisteredSchema, file_flick_events_v1_identity } from "@flick/contracts/flick/events/v1/identity_pb";
import { file_flick_events_v1_video, VideoPrivacy, VideoPublishedSchema } from "@flick/contracts/flick/events/v1/video_pb";
import { TrendingService } from "@flick/contracts/flick/trending/v1/trending_service_pb";
import { createProtobufCodec } from "@flick/kernel";
import { startIsolatedServer } from "../../test/isolated.js";
import type { ProfileCase } from "../../test/profiles.js";
import type { TrendingModule } from "../trending.module.js";

const VIDEOS = Number(process.argv[2] ?? 10_000);
const VIEWS = Number(process.argv[3] ?? 200_000);
const CREATORS = 200;
const PER_STREAM = 500;
const DAY = 86_400_000;
const codec = createProtobufCodec<Message>(createRegistry(file_flick_events_v1_identity, file_flick_events_v1_video, file_flick_events_v1_engagement));
const id = (p: string) => `${p}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function run(c: ProfileCase) {
  const server = await startIsolatedServer(c, {}, ["identity", "social", "video", "sound", "hashtag", "trending"]);
  try {
    const events = server.flick.platform.events;
    const ts = (d: Date) => timestampFromDate(d);
    const T = Date.now();
    const creators = Array.from({ length: CREATORS }, () => id("usr"));
    for (const u of creators) await events.append(`account-${u}`, [{ id: randomUUID(), ...codec.encode(create(AccountRegisteredSchema, { userId: u, username: u.replace("usr_", "b"), displayName: u, occurredAt: ts(new Date()) })) }], "any");
    const videos = Array.from({ length: VIDEOS }, () => id("vid"));
    for (const [i, v] of videos.entries()) {
      const published = create(VideoPublishedSchema, {
        videoId: v,
        userId: creators[i % CREATORS]!,
        hashtags: [`tag${i % 500}`, `tag${(i * 7) % 500}`],
        soundId: `snd_${i % 200}`,
        privacy: i % 20 === 0 ? VideoPrivacy.PRIVATE : VideoPrivacy.PUBLIC,
        durationMs: 15_000,
        imported: true,
        createdAt: ts(new Date(T - Math.random() * 10 * DAY)),
        occurredAt: ts(new Date()),
      });
      await events.append(`video-${v}`, [{ id: randomUUID(), ...codec.encode(published) }], "any");
    }
    // Popular videos get most of the activity (index ~ u^3).
    const pick = () => videos[Math.floor(VIDEOS * Math.random() ** 3)]!;
    const when = () => new Date(T - Math.random() * 8 * DAY);
    const activity: Message[] = [];
    for (let i = 0; i < VIEWS; i++) {
      const r = Math.random();
      activity.push(create(VideoViewedSchema, { videoId: pick(), anonymousSessionId: `s${i}`, watchTimeMs: Math.round(r * 15_000), completionRatio: r, videoDurationMs: 15_000, occurredAt: ts(when()) }));
      if (i % 10 === 0) activity.push(create(VideoLikedSchema, { videoId: pick(), userId: id("usr"), occurredAt: ts(when()) }));
      if (i % 50 === 0) activity.push(create(VideoSharedSchema, { shareId: id("shr"), videoId: pick(), userId: id("usr"), kind: ShareKind.EXTERNAL, occurredAt: ts(when()) }));
    }
    const t0 = performance.now();
    // One category per stream (the projection filters by category): views, likes, shares.
    const byCategory = new Map<string, Message[]>();
    for (const m of activity) {
      const category = m.$typeName.endsWith("Viewed") ? "view" : m.$typeName.endsWith("Liked") ? "like" : "share";
      (byCategory.get(category) ?? byCategory.set(category, []).get(category)!).push(m);
    }
    for (const [category, list] of byCategory) {
      for (let i = 0; i < list.length; i += PER_STREAM) {
        await events.append(`${category}-bench${randomUUID().replace(/-/g, "")}`, list.slice(i, i + PER_STREAM).map((m) => ({ id: randomUUID(), ...codec.encode(m) })), "any");
      }
    }
    const appended = performance.now() - t0;
    const marker = await events.append(`settle-${randomUUID()}`, [{ id: randomUUID(), type: "bench.Settled", data: new TextEncoder().encode("{}"), contentType: "application/json" }], "no_stream");
    const activityModel = server.flick.platform.readModels().find((m) => m.name === "trending_activity")!;
    await Promise.all(server.flick.platform.readModels().map((m) => m.waitFor(marker.checkpoint, 1_800_000)));
    const caughtUp = performance.now() - t0;
    void activityModel;

    const ctx = (server.flick.modules.find((m) => m.name === "trending") as TrendingModule).context;
    const reports = [];
    for (let i = 0; i < 3; i++) reports.push(await ctx.refresher.refresh(new Date()));
    const client = createClient(TrendingService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" }));
    const pages: number[] = [];
    for (let i = 0; i < 50; i++) {
      const s = performance.now();
      await client.listTrendingVideos({ limit: 20 });
      pages.push(performance.now() - s);
    }
    const last = reports.at(-1)!;
    return {
      profile: c.profile,
      videos: VIDEOS,
      events: activity.length,
      "append s": +(appended / 1000).toFixed(1),
      "projected s": +(caughtUp / 1000).toFixed(1),
      "refresh ms (median of 3)": Math.round(median(reports.map((r) => r.durationMs))),
      "buckets read": last.bucketsRead,
      "members read": last.membersRead,
      "active videos": last.activeVideos,
      "listed": last.listedVideos,
      "catalogue reads": last.catalogueReads,
      "page p50 ms": +median(pages).toFixed(1),
    };
  } finally {
    await server.close();
  }
}

const cases: ProfileCase[] = [{ profile: "embedded", env: { FLICK_PROFILE: "embedded", FLICK_DATA_DIR: "memory://" } }];
if (process.env.POSTGRES_URL && process.env.REDIS_URL) {
  cases.push({ profile: "server", env: { FLICK_PROFILE: "server", POSTGRES_URL: process.env.POSTGRES_URL, REDIS_URL: process.env.REDIS_URL } });
}
const rows = [];
for (const c of cases) rows.push(await run(c));
console.table(rows);
console.log(JSON.stringify(rows));
