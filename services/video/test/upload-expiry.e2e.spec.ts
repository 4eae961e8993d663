// Abandoned uploads: past their expiry the bytes are refused, the completion too, and the
// sweeper marks them expired and removes what arrived; a completed upload is left alone.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Privacy, ProcessingStage, UploadKind } from "@flick/contracts/flick/video/v1/video_pb";
import { describeEachProfile } from "../../test/profiles.js";
import { Code, codeOf, eventually, rid } from "../../identity/test/support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import type { VideoModule } from "../video.module.js";
import { newCreator, tusSend, watchUntilDone, type Creator } from "./support/api.js";
import { makeClip } from "./support/clips.js";

// Read once, when the server starts.
process.env.FLICK_MEDIA_UPLOAD_TTL_MS = "3000";
process.env.FLICK_MEDIA_SWEEP_INTERVAL_MS = "300";

describeEachProfile("upload expiry", (c) => {
  let server: IsolatedServer;
  let dir: string;
  let ana: Creator;
  let clip: string;
  const blobs = () => (server.flick.modules.find((m) => m.name === "video") as VideoModule).context.blobs;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "flick-expiry-e2e-"));
    server = await startIsolatedServer(c, {}, ["identity", "social", "video", "media"]);
    ana = await newCreator(server);
    clip = await makeClip(join(dir, "clip.mp4"));
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const init = async () => {
    const bytes = await readFile(clip);
    const r = await ana.uploads.initUpload({ requestId: rid(), kind: UploadKind.VIDEO, contentType: "video/mp4", sizeBytes: BigInt((await stat(clip)).size), durationMs: 3500, width: 180, height: 320, fps: 25 });
    return { ...r, bytes };
  };

  it("expires an abandoned upload: bytes refused, completion refused, bytes removed", async () => {
    const up = await init();
    await tusSend(up.uploadUrl, ana.token, up.bytes, 8 * 1024, 1);
    expect(await blobs().stat(`uploads/${up.uploadId}`)).toBeDefined();
    await new Promise((r) => setTimeout(r, 3100));
    await expect(tusSend(up.uploadUrl, ana.token, up.bytes, 8 * 1024)).rejects.toThrow(/410/);
    expect(await codeOf(ana.uploads.completeUpload({ requestId: rid(), uploadId: up.uploadId, privacy: Privacy.PUBLIC }))).toBe(Code.FailedPrecondition);
    await eventually(async () => expect((await ana.uploads.getUploadStatus({ uploadId: up.uploadId })).status!.stage).toBe(ProcessingStage.EXPIRED));
    expect(await blobs().stat(`uploads/${up.uploadId}`)).toBeUndefined();
    const watched = await watchUntilDone(ana, up.uploadId);
    expect(watched.map((s) => s.stage)).toEqual([ProcessingStage.EXPIRED]);
  });

  it("leaves a completed upload alone", async () => {
    const up = await init();
    await tusSend(up.uploadUrl, ana.token, up.bytes, 1 << 20);
    await ana.uploads.completeUpload({ requestId: rid(), uploadId: up.uploadId, privacy: Privacy.PUBLIC });
    const seen = await watchUntilDone(ana, up.uploadId);
    expect(seen.at(-1)!.stage).toBe(ProcessingStage.READY);
    await new Promise((r) => setTimeout(r, 3500));
    expect((await ana.uploads.getUploadStatus({ uploadId: up.uploadId })).status!.stage).toBe(ProcessingStage.READY);
  });
});
