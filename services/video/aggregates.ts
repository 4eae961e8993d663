// The write side's view of uploads and videos: state folded from their own streams
// (strongly consistent), for commands and for checks a read model may not have caught
// up with yet (the upload endpoint's authorisation, a remix's source).
import type { EventStore, RecordedEvent } from "@flick/event-store";
import { fold } from "@flick/kernel";
import { uploadDecider, type UploadState } from "./commands/upload.decider.js";
import { videoDecider, type VideoState } from "./commands/video.decider.js";
import { streams, uploadCodec, videoCodec } from "./events.js";

export interface Loaded<S> {
  state: S;
  recorded: RecordedEvent[];
  /** The events a client request wrote here earlier (a retry), if any. */
  byRequest(requestId: string): RecordedEvent[];
}

function loaded<S>(state: S, recorded: RecordedEvent[]): Loaded<S> {
  return { state, recorded, byRequest: (id) => recorded.filter((r) => r.metadata.requestId === id) };
}

export async function readUpload(store: EventStore, uploadId: string): Promise<Loaded<UploadState>> {
  const recorded = await store.readStream(streams.upload(uploadId));
  const state = fold(uploadDecider, recorded.map((r) => uploadCodec.decode(r)).filter((e) => e !== undefined));
  return loaded({ ...state, uploadId }, recorded);
}

export async function readVideo(store: EventStore, videoId: string): Promise<Loaded<VideoState>> {
  const recorded = await store.readStream(streams.video(videoId));
  const state = fold(videoDecider, recorded.map((r) => videoCodec.decode(r)).filter((e) => e !== undefined));
  return loaded({ ...state, videoId }, recorded);
}

/** A video made from an upload shares its id's random part: one video per upload. */
export const videoIdOf = (uploadId: string) => `vid_${uploadId.slice(uploadId.indexOf("_") + 1)}`;
export const uploadIdOf = (videoId: string) => `upl_${videoId.slice(videoId.indexOf("_") + 1)}`;
