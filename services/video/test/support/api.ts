// Typed clients and helpers for the video, sound and hashtag suites: users from the
// identity suites' helpers, a real tus upload, waiting for processing.
import { readFile, stat } from "node:fs/promises";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { HashtagService } from "@flick/contracts/flick/challenge/v1/hashtag_service_pb";
import { SoundService } from "@flick/contracts/flick/sound/v1/sound_service_pb";
import { UploadService } from "@flick/contracts/flick/video/v1/upload_service_pb";
import { Privacy, ProcessingStage, UploadKind, type UploadStatus } from "@flick/contracts/flick/video/v1/video_pb";
import { VideoService } from "@flick/contracts/flick/video/v1/video_service_pb";
import { newUser, rid, type TestUser } from "../../../identity/test/support/api.js";
import type { IsolatedServer } from "../../../test/isolated.js";

export { rid };

export function mediaClients(server: Pick<IsolatedServer, "baseUrl">, token?: string) {
  const auth: Interceptor = (next) => (req) => {
    if (token) req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", interceptors: [auth] });
  return {
    uploads: createClient(UploadService, transport),
    videos: createClient(VideoService, transport),
    sounds: createClient(SoundService, transport),
    hashtags: createClient(HashtagService, transport),
  };
}

export type MediaClients = ReturnType<typeof mediaClients>;
export type Creator = TestUser & MediaClients & { token: string };

export async function newCreator(server: IsolatedServer, options: { private?: boolean } = {}): Promise<Creator> {
  const user = await newUser(server, options);
  return { ...user, token: user.tokens.accessToken, ...mediaClients(server, user.tokens.accessToken) };
}


/** InitUpload + the whole file in tus PATCHes of `chunk` bytes; returns the upload id. */
export async function upload(c: MediaClients & { token: string }, path: string, o: { durationMs?: number; width?: number; height?: number; chunk?: number } = {}): Promise<string> {
  const bytes = await readFile(path);
  const init = await c.uploads.initUpload({
    requestId: rid(),
    kind: UploadKind.VIDEO,
    contentType: "video/mp4",
    sizeBytes: BigInt((await stat(path)).size),
    durationMs: o.durationMs ?? 3500,
    width: o.width ?? 180,
    height: o.height ?? 320,
    fps: 25,
  });
  await tusSend(init.uploadUrl, c.token, bytes, o.chunk ?? 64 * 1024);
  return init.uploadId;
}

/** Sends the bytes to an existing tus resource, PATCH by PATCH from its current offset. */
export async function tusSend(url: string, token: string, bytes: Buffer, chunk: number, stopAfter = Infinity): Promise<number> {
  const head = await fetch(url, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0", Authorization: `Bearer ${token}` } });
  if (!head.ok) throw new Error(`HEAD ${url}: ${head.status} ${await head.text()}`);
  let offset = Number(head.headers.get("upload-offset"));
  let sent = 0;
  while (offset < bytes.length && sent < stopAfter) {
    const body = bytes.subarray(offset, Math.min(bytes.length, offset + chunk));
    const res = await fetch(url, {
      method: "PATCH",
      headers: {
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": String(offset),
        "Content-Type": "application/offset+octet-stream",
        Authorization: `Bearer ${token}`,
      },
      body,
    });
    if (res.status !== 204) throw new Error(`PATCH ${url}: ${res.status} ${await res.text()}`);
    offset = Number(res.headers.get("upload-offset"));
    sent++;
  }
  return offset;
}

/** Follows WatchUploadStatus until a final stage; returns every status seen. */
export async function watchUntilDone(c: MediaClients, uploadId: string, timeoutMs = 60_000): Promise<UploadStatus[]> {
  const seen: UploadStatus[] = [];
  for await (const r of c.uploads.watchUploadStatus({ uploadId }, { timeoutMs })) seen.push(r.status!);
  return seen;
}

export async function publish(c: MediaClients & { token: string }, path: string, extra: Record<string, unknown> = {}): Promise<{ uploadId: string; videoId: string }> {
  const uploadId = await upload(c, path);
  const r = await c.uploads.completeUpload({ requestId: rid(), uploadId, privacy: Privacy.PUBLIC, ...extra } as never);
  return { uploadId, videoId: r.videoId };
}


/** Uploads, completes and waits for processing; returns ids and the final status. */
export async function publishReady(c: Creator, path: string, extra: Record<string, unknown> = {}) {
  const { uploadId, videoId } = await publish(c, path, extra);
  const seen = await watchUntilDone(c, uploadId);
  const last = seen.at(-1)!;
  if (last.stage !== ProcessingStage.READY) throw new Error(`processing ended ${ProcessingStage[last.stage]}: ${last.failureMessage}`);
  return { uploadId, videoId, seen };
}

/** The blob key behind a playback URL of this server (…/media/<key>). */
export const keyOf = (url: string) => decodeURIComponent(new URL(url).pathname.replace(/^\/media\//, ""));
