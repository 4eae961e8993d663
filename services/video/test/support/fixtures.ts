// Videos for the suites without transcoding each one: one real upload is processed, and
// more videos are published from its HLS package through the admin import (the same
// VideoPublished event a processed upload ends with).
import { create } from "@bufbuild/protobuf";
import type { Video } from "@flick/contracts/flick/video/v1/video_pb";
import { Privacy } from "@flick/contracts/flick/video/v1/video_pb";
import { ImportedOriginalSoundSchema, ImportedRenditionSchema, ImportedVideoSchema, type ImportedVideo } from "@flick/contracts/flick/video/v1/video_service_pb";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { keyOf, mediaClients, rid } from "./api.js";
import type { IsolatedServer } from "../../../test/isolated.js";

export type ImportOverrides = Omit<Partial<MessageInitShape<typeof ImportedVideoSchema>>, "$typeName">;

/** An import item that reuses `source`'s package (its sound: a new original sound). */
export function copyOf(source: Video, creatorUserId: string, over: ImportOverrides = {}): ImportedVideo {
  const pb = source.playback!;
  return create(ImportedVideoSchema, {
    creatorUserId,
    caption: "imported",
    sound: { case: "originalSound", value: create(ImportedOriginalSoundSchema, { audioPath: keyOf(pb.masterPlaylistUrl).replace(/master\.m3u8$/, "sound.m4a") }) },
    durationMs: source.durationMs,
    width: source.width,
    height: source.height,
    masterPlaylistPath: keyOf(pb.masterPlaylistUrl),
    renditions: pb.renditions.map((r) => create(ImportedRenditionSchema, { quality: r.quality, width: r.width, height: r.height, bandwidth: r.bandwidth, playlistPath: keyOf(r.playlistUrl) })),
    thumbnailPath: keyOf(source.thumbnailUrl),
    privacy: Privacy.PUBLIC,
    ...over,
  } as MessageInitShape<typeof ImportedVideoSchema>);
}

export async function importAs(server: IsolatedServer, items: ImportedVideo[]): Promise<string[]> {
  const admin = mediaClients(server, await server.token("usr_admin_test", "admin"));
  const r = await admin.videos.importVideos({ requestId: rid(), videos: items });
  const failed = r.results.filter((x) => x.errorCode);
  if (failed.length) throw new Error(`import failed: ${JSON.stringify(failed)}`);
  return r.results.map((x) => x.videoId);
}
