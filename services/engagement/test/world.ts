// Test fixtures for engagement and notifications on a real server: users, videos, follows
// and blocks are written as their contexts' events (the upstream contract engagement
// reads), and clients call the API with tokens for those users.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { CommentService } from "@flick/contracts/flick/engagement/v1/comment_service_pb";
import { EngagementService } from "@flick/contracts/flick/engagement/v1/engagement_service_pb";
import { AccountRegisteredSchema, ProfileUpdatedSchema } from "@flick/contracts/flick/events/v1/identity_pb";
import { FollowedSchema, UserBlockedSchema } from "@flick/contracts/flick/events/v1/social_pb";
import { HlsPlaybackSchema, VideoPrivacy, VideoPublishedSchema, VideoRemixKind, VideoRemixSchema } from "@flick/contracts/flick/events/v1/video_pb";
import { NotificationService } from "@flick/contracts/flick/notification/v1/notification_service_pb";
import { createProtobufCodec } from "@flick/kernel";
import { createRegistry, type Message } from "@bufbuild/protobuf";
import { file_flick_events_v1_identity } from "@flick/contracts/flick/events/v1/identity_pb";
import { file_flick_events_v1_social } from "@flick/contracts/flick/events/v1/social_pb";
import { file_flick_events_v1_video } from "@flick/contracts/flick/events/v1/video_pb";
import { randomUUID } from "node:crypto";
import { unique } from "../../test/profiles.js";
import type { TestServer } from "../../test/support.js";

const codec = createProtobufCodec<Message>(createRegistry(file_flick_events_v1_identity, file_flick_events_v1_social, file_flick_events_v1_video));

export const rid = () => `r${randomUUID().replace(/-/g, "").slice(0, 20)}`;

export interface Clients {
  engagement: Client<typeof EngagementService>;
  comments: Client<typeof CommentService>;
  notifications: Client<typeof NotificationService>;
}

export interface TestUser extends Clients {
  id: string;
  username: string;
  token: string;
}

export function world(server: TestServer) {
  const events = server.flick.platform.events;
  const append = async (stream: string, message: Message) => {
    const encoded = codec.encode(message);
    return events.append(stream, [{ id: randomUUID(), ...encoded }], "any");
  };
  const clients = (token?: string): Clients => {
    const transport = createConnectTransport({
      baseUrl: server.baseUrl,
      httpVersion: "1.1",
      interceptors: token ? [(next) => (req) => (req.header.set("authorization", `Bearer ${token}`), next(req))] : [],
    });
    return {
      engagement: createClient(EngagementService, transport),
      comments: createClient(CommentService, transport),
      notifications: createClient(NotificationService, transport),
    };
  };
  const at = () => timestampFromDate(new Date());

  return {
    anonymous: clients(),
    async user(name = "user", options: { private?: boolean; admin?: boolean } = {}): Promise<TestUser> {
      const id = unique("usr_");
      const username = unique(name.slice(0, 10) + "_");
      await append(`account-${id}`, create(AccountRegisteredSchema, { userId: id, username, displayName: name, occurredAt: at() }));
      if (options.private) {
        await append(`account-${id}`, create(ProfileUpdatedSchema, { userId: id, displayName: name, privateAccount: true, changedFields: ["private_account"], occurredAt: at() }));
      }
      const token = await server.token(id, options.admin ? "admin" : "user");
      return { id, username, token, ...clients(token) };
    },
    async video(
      creator: { id: string },
      options: { privacy?: VideoPrivacy; comments?: boolean; durationMs?: number; mentions?: string[]; remixOf?: { videoId: string; creatorId: string; kind: "duet" | "stitch" } } = {},
    ): Promise<string> {
      const videoId = unique("vid_");
      await append(
        `video-${videoId}`,
        create(VideoPublishedSchema, {
          videoId,
          userId: creator.id,
          caption: "a video",
          mentionedUserIds: options.mentions ?? [],
          privacy: options.privacy ?? VideoPrivacy.PUBLIC,
          commentEnabled: options.comments ?? true,
          duetEnabled: true,
          stitchEnabled: true,
          durationMs: options.durationMs ?? 15_000,
          thumbnailPath: `videos/${videoId}/thumb.jpg`,
          playback: create(HlsPlaybackSchema, { masterPlaylistPath: `videos/${videoId}/master.m3u8` }),
          remix: options.remixOf
            ? create(VideoRemixSchema, {
                kind: options.remixOf.kind === "duet" ? VideoRemixKind.DUET : VideoRemixKind.STITCH,
                sourceVideoId: options.remixOf.videoId,
                sourceCreatorId: options.remixOf.creatorId,
              })
            : undefined,
          createdAt: at(),
          occurredAt: at(),
        }),
      );
      return videoId;
    },
    async block(blocker: { id: string }, blocked: { id: string }) {
      await append(`block-${blocker.id}-${blocked.id}`, create(UserBlockedSchema, { blockerId: blocker.id, blockedId: blocked.id, occurredAt: at() }));
    },
    async follow(follower: { id: string }, followee: { id: string }) {
      await append(`follow-${follower.id}-${followee.id}`, create(FollowedSchema, { followerId: follower.id, followeeId: followee.id, occurredAt: at() }));
    },
    /** Waits until every projection has processed everything appended so far. */
    async settle(timeoutMs = 30_000) {
      // A marker appended after everything else: a projection that has seen it has seen all
      // before it (the head checkpoint alone can lag behind on a PostgreSQL server shared
      // with other writers, whose open transactions hold the visible horizon back).
      const marker = await events.append(`settle-${randomUUID()}`, [{ id: randomUUID(), type: "flick.test.Settled", data: new TextEncoder().encode("{}"), contentType: "application/json" }], "no_stream");
      const results = await Promise.all(server.flick.platform.readModels().map((m) => m.waitFor(marker.checkpoint, timeoutMs)));
      if (!results.every(Boolean)) throw new Error("projections did not catch up");
    },
  };
}

/**
 * The profile's environment plus what a server profile needs to boot (a master key for
 * personal data). services/test/profiles.ts could add it for every suite.
 */
export function testEnv(env: Record<string, string>): Record<string, string> {
  if (env.FLICK_PROFILE === "embedded" || !env.FLICK_PROFILE) return env;
  // A keyspace per server: suites run in parallel, and two servers sharing one keyspace run
  // the same projections against the same checkpoints (conflicts, backoff, lag).
  const keyspace: Record<string, string> = env.FLICK_PROFILE === "distributed-local" ? { CASSANDRA_KEYSPACE: `t${unique().slice(0, 6)}` } : {};
  return { FLICK_MASTER_KEY: "ab".repeat(32), ...keyspace, ...env };
}
