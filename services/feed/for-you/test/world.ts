// Fixtures for the For You suites: the engagement world's users, follows and blocks,
// plus videos with hashtags and sounds, deletions, a feed client per user, and a way to
// wait until the in-memory model has seen everything appended so far.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { file_flick_events_v1_video, VideoDeletedSchema, VideoPrivacy, VideoPublishedSchema } from "@flick/contracts/flick/events/v1/video_pb";
import { FeedService } from "@flick/contracts/flick/feed/v1/feed_service_pb";
import { createRegistry, type Message } from "@bufbuild/protobuf";
import { createProtobufCodec } from "@flick/kernel";
import { randomUUID } from "node:crypto";
import { world as engagementWorld } from "../../../engagement/test/world.js";
import { unique } from "../../../test/profiles.js";
import type { TestServer } from "../../../test/support.js";

const codec = createProtobufCodec<Message>(createRegistry(file_flick_events_v1_video));

export interface FeedVideo {
  videoId: string;
  creatorId: string;
  soundId: string;
  hashtags: string[];
  privacy: VideoPrivacy;
}

export function feedWorld(server: TestServer) {
  const base = engagementWorld(server);
  const events = server.flick.platform.events;
  const feed = (token?: string): Client<typeof FeedService> =>
    createClient(
      FeedService,
      createConnectTransport({
        baseUrl: server.baseUrl,
        httpVersion: "1.1",
        interceptors: token ? [(next) => (req) => (req.header.set("authorization", `Bearer ${token}`), next(req))] : [],
      }),
    );
  const at = () => timestampFromDate(new Date());
  return {
    ...base,
    feed,
    async publish(creator: { id: string }, options: { hashtags?: string[]; caption?: string; soundId?: string; privacy?: VideoPrivacy; durationMs?: number } = {}): Promise<FeedVideo> {
      const videoId = unique("vid_");
      const v: FeedVideo = { videoId, creatorId: creator.id, soundId: options.soundId ?? unique("snd_"), hashtags: options.hashtags ?? [], privacy: options.privacy ?? VideoPrivacy.PUBLIC };
      const encoded = codec.encode(
        create(VideoPublishedSchema, {
          videoId,
          userId: creator.id,
          caption: options.caption ?? options.hashtags?.map((h) => `#${h}`).join(" ") ?? "a video",
          hashtags: v.hashtags,
          soundId: v.soundId,
          privacy: v.privacy,
          commentEnabled: true,
          durationMs: options.durationMs ?? 15_000,
          createdAt: at(),
          occurredAt: at(),
          imported: true,
        }),
      );
      await events.append(`video-${videoId}`, [{ id: randomUUID(), ...encoded }], "any");
      return v;
    },
    async remove(v: FeedVideo) {
      const encoded = codec.encode(create(VideoDeletedSchema, { videoId: v.videoId, userId: v.creatorId, occurredAt: at() }));
      await events.append(`video-${v.videoId}`, [{ id: randomUUID(), ...encoded }], "any");
    },
    /** Waits for every projection, and returns a token the feed's model can wait on too. */
    async settled(): Promise<string> {
      await base.settle();
      const marker = await events.append(`settle-${randomUUID()}`, [{ id: randomUUID(), type: "flick.test.Settled", data: new TextEncoder().encode("{}"), contentType: "application/json" }], "no_stream");
      return marker.checkpoint;
    },
  };
}
