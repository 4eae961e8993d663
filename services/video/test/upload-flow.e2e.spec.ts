// The whole path of a video, for real: InitUpload, the bytes over tus (interrupted and
// resumed), CompleteUpload, the media worker, VideoPublished, and GetVideo returning an
// HLS ladder whose playlists and segments decode.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Privacy, ProcessingStage, VideoStatus, type UploadStatus } from "@flick/contracts/flick/video/v1/video_pb";
import { describeEachProfile } from "../../test/profiles.js";
import { eventually } from "../../identity/test/support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { mediaClients, newCreator, rid, tusSend, watchUntilDone, type Creator } from "./support/api.js";
import { decodes, makeClip } from "./support/clips.js";
import { readFile, stat } from "node:fs/promises";
import { UploadKind } from "@flick/contracts/flick/video/v1/video_pb";
import { VideoService } from "@flick/contracts/flick/video/v1/video_service_pb";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

const SERVICES = ["identity", "social", "video", "media", "sound", "hashtag"];

describeEachProfile("video upload → processing → playback", (c) => {
  let server: IsolatedServer;
  let dir: string;
  let ana: Creator;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "flick-video-e2e-"));
    server = await startIsolatedServer(c, {}, SERVICES);
    ana = await newCreator(server);
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("uploads with tus (resuming after a drop), publishes, and plays", async () => {
    const clip = await makeClip(join(dir, "a.mp4"), { durationSec: 3.5 });
    const bytes = await readFile(clip);
    const init = await ana.uploads.initUpload({
      requestId: rid(),
      kind: UploadKind.VIDEO,
      contentType: "video/mp4",
      sizeBytes: BigInt((await stat(clip)).size),
      durationMs: 3500,
      width: 180,
      height: 320,
      fps: 25,
    });
    expect(init.uploadUrl).toMatch(/\/uploads\//);
    // Half the chunks, then "the connection drops", then resume from HEAD's offset.
    const half = await tusSend(init.uploadUrl, ana.token, bytes, 16 * 1024, 3);
    expect(half).toBe(3 * 16 * 1024);
    const mid = await ana.uploads.getUploadStatus({ uploadId: init.uploadId });
    expect(mid.status!.stage).toBe(ProcessingStage.UPLOADING);
    expect(mid.status!.bytesReceived).toBe(BigInt(half));
    expect(await tusSend(init.uploadUrl, ana.token, bytes, 16 * 1024)).toBe(bytes.length);

    const done = await ana.uploads.completeUpload({ requestId: rid(), uploadId: init.uploadId, privacy: Privacy.PUBLIC, caption: "first #Test #demo @nobody" });
    expect(done.status).toBe(VideoStatus.PROCESSING);
    // Watch, drop the stream after the first status, reconnect: it starts again from now.
    let first: UploadStatus | undefined;
    for await (const r of ana.uploads.watchUploadStatus({ uploadId: init.uploadId })) {
      first = r.status;
      break;
    }
    expect(first!.videoId).toBe(done.videoId);
    const seen = await watchUntilDone(ana, init.uploadId);
    expect(seen[0]!.stage).toBeGreaterThanOrEqual(first!.stage);
    const percents = seen.map((s) => s.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const last = seen.at(-1)!;
    expect(last.failureMessage).toBe("");
    expect(last.stage).toBe(ProcessingStage.READY);
    expect(last.percent).toBe(100);
    expect(last.playable).toBe(true);
    expect(last.playback!.renditions.length).toBeGreaterThan(0);

    const { video } = await ana.videos.getVideo({ videoId: done.videoId });
    expect(video!.status).toBe(VideoStatus.READY);
    expect(video!.hashtags).toEqual(["test", "demo"]);
    expect(video!.playback!.renditions.length).toBeGreaterThan(0);
    expect(video!.thumbnailUrl).toMatch(/^http/);
    expect(video!.sound?.original).toBe(true);
    await decodes(video!.playback!.masterPlaylistUrl);

    // Anyone sees a public video, over gRPC (HTTP/2) too, with URLs of the host it reached.
    const anon = mediaClients(server);
    await eventually(async () => expect((await anon.videos.getVideo({ videoId: done.videoId })).video!.videoId).toBe(done.videoId));
    const grpc = createClient(VideoService, createGrpcTransport({ baseUrl: server.baseUrl }));
    const viaGrpc = (await grpc.getVideo({ videoId: done.videoId })).video!;
    expect(new URL(viaGrpc.playback!.masterPlaylistUrl).host).toBe(new URL(server.baseUrl).host);
  });
});
