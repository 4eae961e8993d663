// A controlled world for trending on a real server: users, sounds and videos written as
// their contexts' events, and views, likes and shares appended with the times a test
// chooses (the upstream contract trending reads), then one refresh at a chosen "now".
import { randomUUID } from "node:crypto";
import { create, createRegistry, type Message } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import {
  file_flick_events_v1_engagement,
  ShareKind,
  VideoLikedSchema,
  VideoSharedSchema,
  VideoViewedSchema,
} from "@flick/contracts/flick/events/v1/engagement_pb";
import { AccountRegisteredSchema, file_flick_events_v1_identity, ProfileUpdatedSchema } from "@flick/contracts/flick/events/v1/identity_pb";
import { file_flick_events_v1_social, UserBlockedSchema } from "@flick/contracts/flick/events/v1/social_pb";
import { file_flick_events_v1_sound, SoundCreatedSchema } from "@flick/contracts/flick/events/v1/sound_pb";
import {
  file_flick_events_v1_video,
  VideoDeletedSchema,
  VideoPrivacy,
  VideoPublishedSchema,
  VideoUpdatedSchema,
} from "@flick/contracts/flick/events/v1/video_pb";
import { TrendingService } from "@flick/contracts/flick/trending/v1/trending_service_pb";
import { createProtobufCodec } from "@flick/kernel";
import { unique } from "../../test/profiles.js";
import type { TestServer } from "../../test/support.js";
import type { TrendingModule } from "../trending.module.js";

const codec = createProtobufCodec<Message>(
  createRegistry(file_flick_events_v1_identity, file_flick_events_v1_social, file_flick_events_v1_video, file_flick_events_v1_sound, file_flick_events_v1_engagement),
);

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface Person {
  id: string;
  client: Client<typeof TrendingService>;
}

export interface VideoOptions {
  privacy?: VideoPrivacy;
  hashtags?: string[];
  soundId?: string;
  createdAt?: Date;
}

export function world(server: TestServer) {
  const events = server.flick.platform.events;
  const append = (stream: string, message: Message) => events.append(stream, [{ id: randomUUID(), ...codec.encode(message) }], "any");
  const ts = (d: Date) => timestampFromDate(d);
  const client = (token?: string) =>
    createClient(
      TrendingService,
      createConnectTransport({
        baseUrl: server.baseUrl,
        httpVersion: "1.1",
        interceptors: token ? [(next) => (req) => (req.header.set("authorization", `Bearer ${token}`), next(req))] : [],
      }),
    );
  const trending = () => (server.flick.modules.find((m) => m.name === "trending") as TrendingModule).context;

  return {
    anonymous: client(),
    trending,
    async user(options: { private?: boolean } = {}): Promise<Person> {
      const id = unique("usr_");
      const now = ts(new Date());
      await append(`account-${id}`, create(AccountRegisteredSchema, { userId: id, username: unique("u_"), displayName: id, occurredAt: now }));
      if (options.private) {
        await append(`account-${id}`, create(ProfileUpdatedSchema, { userId: id, displayName: id, privateAccount: true, changedFields: ["private_account"], occurredAt: now }));
      }
      return { id, client: client(await server.token(id)) };
    },
    async sound(title: string): Promise<string> {
      const soundId = unique("snd_");
      await append(`sound-${soundId}`, create(SoundCreatedSchema, { soundId, title, artist: "a band", durationMs: 30_000, audioPath: `sounds/${soundId}/audio.m4a`, occurredAt: ts(new Date()) }));
      return soundId;
    },
    async video(creator: { id: string }, o: VideoOptions = {}): Promise<string> {
      const videoId = unique("vid_");
      const createdAt = o.createdAt ?? new Date(Date.now() - 3 * 24 * HOUR);
      await append(
        `video-${videoId}`,
        create(VideoPublishedSchema, {
          videoId,
          userId: creator.id,
          caption: "a video",
          hashtags: o.hashtags ?? [],
          soundId: o.soundId ?? "",
          privacy: o.privacy ?? VideoPrivacy.PUBLIC,
          durationMs: 10_000,
          imported: true,
          createdAt: ts(createdAt),
          occurredAt: ts(new Date()),
        }),
      );
      return videoId;
    },
    /** `n` views at `at`, each watched `completion` of the way. */
    async views(videoId: string, n: number, at: Date, completion = 0.8): Promise<void> {
      for (let i = 0; i < n; i++) {
        await append(
          `view-${randomUUID()}`,
          create(VideoViewedSchema, {
            videoId,
            anonymousSessionId: `s${i}`,
            watchTimeMs: Math.round(completion * 10_000),
            completionRatio: completion,
            videoDurationMs: 10_000,
            occurredAt: ts(at),
          }),
        );
      }
    },
    async likes(videoId: string, n: number, at: Date): Promise<void> {
      for (let i = 0; i < n; i++) {
        const userId = unique("usr_");
        await append(`like-${videoId}-${userId}`, create(VideoLikedSchema, { videoId, userId, occurredAt: ts(at) }));
      }
    },
    async shares(videoId: string, n: number, at: Date): Promise<void> {
      for (let i = 0; i < n; i++) {
        const shareId = unique("shr_");
        await append(`share-${shareId}`, create(VideoSharedSchema, { shareId, videoId, userId: unique("usr_"), kind: ShareKind.EXTERNAL, occurredAt: ts(at) }));
      }
    },
    async makePrivate(videoId: string, creator: { id: string }): Promise<void> {
      await append(
        `video-${videoId}`,
        create(VideoUpdatedSchema, { videoId, userId: creator.id, caption: "a video", privacy: VideoPrivacy.PRIVATE, changedFields: ["privacy"], occurredAt: ts(new Date()) }),
      );
    },
    async remove(videoId: string, creator: { id: string }): Promise<void> {
      await append(`video-${videoId}`, create(VideoDeletedSchema, { videoId, userId: creator.id, occurredAt: ts(new Date()) }));
    },
    async block(blocker: { id: string }, blocked: { id: string }): Promise<void> {
      await append(`block-${blocker.id}-${blocked.id}`, create(UserBlockedSchema, { blockerId: blocker.id, blockedId: blocked.id, occurredAt: ts(new Date()) }));
    },
    /** Waits until every projection has processed everything appended so far. */
    async settle(timeoutMs = 60_000): Promise<void> {
      const marker = await events.append(`settle-${randomUUID()}`, [{ id: randomUUID(), type: "flick.test.Settled", data: new TextEncoder().encode("{}"), contentType: "application/json" }], "no_stream");
      const done = await Promise.all(server.flick.platform.readModels().map((m) => m.waitFor(marker.checkpoint, timeoutMs)));
      if (!done.every(Boolean)) throw new Error("projections did not catch up");
    },
    /** Recomputes the rankings at `now`. */
    refresh: (now: Date) => trending().refresher.refresh(now),
  };
}
