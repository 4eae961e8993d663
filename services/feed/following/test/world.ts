// Fixtures for the Following / Friends suites on a real server of each profile: users
// registered through the API, follows and blocks through the social API, and videos
// through VideoService.ImportVideos (as an admin) from a small staged HLS package.
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { EngagementService } from "@flick/contracts/flick/engagement/v1/engagement_service_pb";
import { FeedService } from "@flick/contracts/flick/feed/v1/feed_service_pb";
import { FollowStatus } from "@flick/contracts/flick/social/v1/social_pb";
import { Privacy } from "@flick/contracts/flick/video/v1/video_pb";
import { randomUUID } from "node:crypto";
import type { ProfileCase } from "../../../test/profiles.js";
import { startIsolatedServer, type IsolatedServer } from "../../../test/isolated.js";
import { videoContext } from "../../../video/video.context.js";
import { mediaClients, newCreator, rid, type Creator } from "../../../video/test/support/api.js";

export { rid };

const assets = {
  master: "feed-test/master.m3u8",
  rendition: "feed-test/720p/playlist.m3u8",
  thumbnail: "feed-test/cover.jpg",
  audio: "feed-test/sound.m4a",
};

export type FeedUser = Creator & {
  feed: ReturnType<typeof createClient<typeof FeedService>>;
  engagement: ReturnType<typeof createClient<typeof EngagementService>>;
};

export interface VideoSpec {
  privacy?: Privacy;
  /** Posted this long ago (ImportVideos' created_at); default now. */
  ageMs?: number;
}

export async function feedWorld(c: ProfileCase) {
  const server: IsolatedServer = await startIsolatedServer(c, { FLICK_SCRYPT_LOG_N: "12" }, ["identity", "social", "video", "engagement", "feed"]);
  const blobs = (await videoContext(server.flick.platform)).blobs;
  await blobs.put(assets.master, Buffer.from("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=720x1280\n720p/playlist.m3u8\n"));
  await blobs.put(assets.rendition, Buffer.from("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.000,\nseg-000.m4s\n#EXT-X-ENDLIST\n"));
  await blobs.put(assets.thumbnail, Buffer.from("not really a jpeg"));
  await blobs.put(assets.audio, Buffer.from("not really audio"));
  const admin = mediaClients(server, await server.token("usr_admin_feed", "admin"));

  const transport = (token?: string) =>
    createConnectTransport({
      baseUrl: server.baseUrl,
      httpVersion: "1.1",
      interceptors: token ? [(next) => (req) => (req.header.set("authorization", `Bearer ${token}`), next(req))] : [],
    });
  const feedClient = (token?: string) => createClient(FeedService, transport(token));

  const w = {
    server,
    feedClient,
    anonymousFeed: feedClient(),
    async user(options: { private?: boolean } = {}): Promise<FeedUser> {
      const u = await newCreator(server, options);
      return { ...u, feed: feedClient(u.token), engagement: createClient(EngagementService, transport(u.token)) };
    },
    /** Imports videos for `creator`, one per spec, in order; returns their ids. */
    async videos(creator: { userId: string }, specs: VideoSpec[]): Promise<string[]> {
      const now = Date.now();
      const r = await admin.videos.importVideos({
        requestId: rid(),
        videos: specs.map((s) => ({
          creatorUserId: creator.userId,
          caption: "a video",
          sound: { case: "originalSound" as const, value: { audioPath: assets.audio } },
          durationMs: 10_000,
          width: 720,
          height: 1280,
          masterPlaylistPath: assets.master,
          renditions: [{ quality: "720p", width: 720, height: 1280, bandwidth: 2_000_000, playlistPath: assets.rendition }],
          thumbnailPath: assets.thumbnail,
          privacy: s.privacy ?? Privacy.PUBLIC,
          createdAt: timestampFromDate(new Date(now - (s.ageMs ?? 0) - 1)),
        })),
      });
      const failed = r.results.filter((x) => x.errorCode);
      if (failed.length) throw new Error(`import failed: ${JSON.stringify(failed)}`);
      return r.results.map((x) => x.videoId);
    },
    /** a follows b (a private b approves the request). */
    async follow(a: FeedUser, b: FeedUser) {
      const r = await a.social.follow({ requestId: rid(), userId: b.userId });
      if (r.status === FollowStatus.REQUESTED) await b.social.approveFollowRequest({ requestId: rid(), userId: a.userId });
    },
    async block(a: FeedUser, b: FeedUser) {
      await a.social.block({ requestId: rid(), userId: b.userId });
    },
    /** Waits until every projection has processed everything appended so far. */
    async settle(timeoutMs = 60_000) {
      const events = server.flick.platform.events;
      const marker = await events.append(`settle-${randomUUID()}`, [{ id: randomUUID(), type: "flick.test.Settled", data: new TextEncoder().encode("{}"), contentType: "application/json" }], "no_stream");
      const results = await Promise.all(server.flick.platform.readModels().map((m) => m.waitFor(marker.checkpoint, timeoutMs)));
      if (!results.every(Boolean)) throw new Error("projections did not catch up");
    },
  };
  return w;
}

export type FeedWorld = Awaited<ReturnType<typeof feedWorld>>;
