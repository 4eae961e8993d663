// What engagement needs to know about a video before acting on it: who made it, who may
// see it, whether comments are on, how long it is, and whether it is published. A port,
// so the video context can serve it from its catalog; the adapter here folds the video's
// own stream (video-<id>), which is what a command should trust anyway: it is never
// behind, and a video stream holds a handful of events.
import { createRegistry } from "@bufbuild/protobuf";
import type { EventStore } from "@flick/event-store";
import {
  file_flick_events_v1_video,
  VideoPrivacy,
  VideoRemixKind,
  type UploadCompleted,
  type VideoDeleted,
  type VideoProcessingFailed,
  type VideoPublished,
  type VideoUpdated,
} from "@flick/contracts/flick/events/v1/video_pb";
import { createProtobufCodec } from "@flick/kernel";
import type { Privacy } from "../../social/visibility.js";

export type VideoStatus = "processing" | "ready" | "failed" | "deleted";

export interface VideoFacts {
  videoId: string;
  creatorId: string;
  privacy: Privacy;
  commentsEnabled: boolean;
  /** Of the published video; 0 until it is published. */
  durationMs: number;
  status: VideoStatus;
  /** Blob-store key of the cover image ("" until published). */
  thumbnailPath: string;
  createdAt: Date | undefined;
  /** Set for a duet or stitch: the video it was made from. */
  remix?: { kind: "duet" | "stitch"; sourceVideoId: string; sourceCreatorId: string };
}

export interface VideoFactsSource {
  /** Facts of the videos that exist (in any state); missing ids are absent. */
  get(videoIds: readonly string[]): Promise<Map<string, VideoFacts>>;
}

type VideoEvent = UploadCompleted | VideoPublished | VideoUpdated | VideoDeleted | VideoProcessingFailed;
const videoCodec = createProtobufCodec<VideoEvent>(createRegistry(file_flick_events_v1_video));

export const videoStream = (videoId: string) => `video-${videoId}`;

export function privacyOf(p: VideoPrivacy): Privacy {
  if (p === VideoPrivacy.FRIENDS) return "friends";
  if (p === VideoPrivacy.PRIVATE) return "private";
  return "public";
}

/** Folds a video's events into its facts (undefined before its first event). */
export function foldVideoFacts(videoId: string, events: readonly VideoEvent[]): VideoFacts | undefined {
  let facts: VideoFacts | undefined;
  for (const e of events) {
    switch (e.$typeName) {
      case "flick.events.v1.UploadCompleted":
        facts = {
          videoId,
          creatorId: e.userId,
          privacy: privacyOf(e.privacy),
          commentsEnabled: e.commentEnabled,
          durationMs: 0,
          status: "processing",
          thumbnailPath: "",
          createdAt: e.occurredAt ? new Date(Number(e.occurredAt.seconds) * 1000) : undefined,
        };
        break;
      case "flick.events.v1.VideoPublished": {
        const remix = e.remix && e.remix.kind !== VideoRemixKind.UNSPECIFIED ? e.remix : undefined;
        facts = {
          videoId,
          creatorId: e.userId,
          privacy: privacyOf(e.privacy),
          commentsEnabled: e.commentEnabled,
          durationMs: e.durationMs,
          status: "ready",
          thumbnailPath: e.thumbnailPath,
          createdAt: e.createdAt ? new Date(Number(e.createdAt.seconds) * 1000 + Math.floor(e.createdAt.nanos / 1e6)) : undefined,
          remix: remix && {
            kind: remix.kind === VideoRemixKind.DUET ? "duet" : "stitch",
            sourceVideoId: remix.sourceVideoId,
            sourceCreatorId: remix.sourceCreatorId,
          },
        };
        break;
      }
      case "flick.events.v1.VideoUpdated":
        if (facts) facts = { ...facts, privacy: privacyOf(e.privacy), commentsEnabled: e.commentEnabled };
        break;
      case "flick.events.v1.VideoProcessingFailed":
        if (facts && !e.willRetry && facts.status === "processing") facts = { ...facts, status: "failed" };
        break;
      case "flick.events.v1.VideoDeleted":
        if (facts) facts = { ...facts, status: "deleted" };
        break;
    }
  }
  return facts;
}

/** Facts read from the video streams in the event store (always current). */
export function videoFactsFromStreams(store: EventStore): VideoFactsSource {
  return {
    async get(videoIds) {
      const out = new Map<string, VideoFacts>();
      await Promise.all(
        [...new Set(videoIds)].map(async (id) => {
          const recorded = await store.readStream(videoStream(id));
          const events = recorded.map((r) => videoCodec.decode(r)).filter((e): e is VideoEvent => e !== undefined);
          const facts = foldVideoFacts(id, events);
          if (facts) out.set(id, facts);
        }),
      );
      return out;
    },
  };
}
