// The media worker's delivery guarantees: a file that cannot be processed fails for good
// with a reason the uploader can read; a worker that dies mid-job (its claim in the log,
// then silence) loses the job to another worker once its lease runs out, and is fenced
// off if it wakes up; on the server profiles, for real: a worker process killed with
// SIGKILL while encoding.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ColorFilter, Privacy, ProcessingFailure, ProcessingStage, VideoStatus } from "@flick/contracts/flick/video/v1/video_pb";
import { VideoProcessingStage } from "@flick/contracts/flick/events/v1/video_pb";
import { handleCommand } from "@flick/kernel";
import { describeEachProfile } from "../../test/profiles.js";
import { Code, codeOf, eventually, rid } from "../../identity/test/support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { StaleAttemptError, videoDecider } from "../commands/video.decider.js";
import { streams, videoCodec } from "../events.js";
import type { MediaModule } from "../media.module.js";
import type { VideoModule } from "../video.module.js";
import { createMediaWorker, type MediaWorker } from "../worker/media-worker.js";
import { newCreator, upload, watchUntilDone, type Creator } from "./support/api.js";
import { makeClip } from "./support/clips.js";

// Short leases, so a takeover happens within the test (read once, at server start).
const LEASE_MS = 2500;
process.env.FLICK_MEDIA_JOB_LEASE_MS = String(LEASE_MS);
process.env.FLICK_MEDIA_WORKER_POLL_MS = "200";

// The media module's own worker is stopped at once: each test decides who works.
const SERVICES = ["identity", "social", "video", "media", "sound", "hashtag"];

describeEachProfile("media worker", (c) => {
  let server: IsolatedServer;
  let dir: string;
  let ana: Creator;
  let clip: string;
  const workers: MediaWorker[] = [];
  const ctx = () => (server.flick.modules.find((m) => m.name === "video") as VideoModule).context;
  const worker = (workerId: string) => {
    const w = createMediaWorker(ctx(), { workerId });
    workers.push(w);
    w.start();
    return w;
  };
  const jobEvents = async (videoId: string) =>
    (await ctx().events.readStream(streams.video(videoId))).map((r) => videoCodec.decode(r)!).filter((e) => e.$typeName !== "flick.events.v1.UploadCompleted");

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "flick-worker-e2e-"));
    server = await startIsolatedServer(c, {}, SERVICES);
    await (server.flick.modules.find((m) => m.name === "media") as MediaModule).worker.stop();
    ana = await newCreator(server);
    clip = await makeClip(join(dir, "clip.mp4"));
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("fails a poisoned job for good, with a reason the uploader can read", async () => {
    // A recording cut short: the header promises more than the file holds.
    const junk = join(dir, "junk.mp4");
    const whole = await readFile(clip);
    await writeFile(junk, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const uploadId = await upload(ana, junk);
    const { videoId } = await ana.uploads.completeUpload({ requestId: rid(), uploadId, privacy: Privacy.PUBLIC });
    worker("w-poison");
    const seen = await watchUntilDone(ana, uploadId);
    const last = seen.at(-1)!;
    expect(last.stage).toBe(ProcessingStage.FAILED);
    expect(last.failure).toBe(ProcessingFailure.UNREADABLE_MEDIA);
    expect(last.failureMessage).toMatch(/incomplete|damaged/i);
    const events = await jobEvents(videoId);
    expect(events.map((e) => e.$typeName.replace("flick.events.v1.", ""))).toEqual(["VideoProcessingStarted", "VideoProcessingFailed"]);
    expect((await ana.videos.getVideo({ videoId })).video!.status).toBe(VideoStatus.FAILED);
    const stranger = await newCreator(server);
    expect(await codeOf(stranger.videos.getVideo({ videoId }))).toBe(Code.NotFound);
    for (const w of workers.splice(0)) await w.stop();
  });

  it("fails a file that is not what InitUpload declared, saying what disagrees", async () => {
    // Declared 20 s (within the limits), sent the 3.5 s clip.
    const uploadId = await upload(ana, clip, { durationMs: 20_000 });
    await ana.uploads.completeUpload({ requestId: rid(), uploadId, privacy: Privacy.PUBLIC });
    worker("w-mismatch");
    const last = (await watchUntilDone(ana, uploadId)).at(-1)!;
    expect(last.stage).toBe(ProcessingStage.FAILED);
    expect(last.failure).toBe(ProcessingFailure.METADATA_MISMATCH);
    expect(last.failureMessage).toMatch(/duration you declared \(20\.0 s\) does not match the file \(3\.5 s\)/);
    for (const w of workers.splice(0)) await w.stop();
  });

  it("takes over the job of a worker that died after claiming it, and fences the dead one off", async () => {
    const uploadId = await upload(ana, clip);
    const { videoId } = await ana.uploads.completeUpload({ requestId: rid(), uploadId, privacy: Privacy.PUBLIC });
    // A worker claims the job, then dies: the claim is in the log, nothing follows.
    const claim = { type: "Claim", videoId, workerId: "w-dead", leaseMs: LEASE_MS, maxAttempts: 4, at: new Date() } as const;
    await handleCommand(ctx().events, { stream: streams.video(videoId), decider: videoDecider, command: claim, requestId: rid(), codec: videoCodec });
    const claimedAt = Date.now();
    const rescuer = worker("w-rescuer");
    const seen = await watchUntilDone(ana, uploadId);
    expect(seen.at(-1)!.stage).toBe(ProcessingStage.READY);
    const started = (await jobEvents(videoId)).filter((e) => e.$typeName === "flick.events.v1.VideoProcessingStarted");
    expect(started.map((e) => [e.attempt, e.workerId])).toEqual([
      [1, "w-dead"],
      [2, rescuer.workerId],
    ]);
    // Not before the lease ran out.
    const second = started[1]!;
    expect(Number(second.occurredAt!.seconds) * 1000 + second.occurredAt!.nanos / 1e6).toBeGreaterThanOrEqual(claimedAt + LEASE_MS - 1000);
    // The dead worker wakes up: its writes are refused.
    await expect(
      handleCommand(ctx().events, {
        stream: streams.video(videoId),
        decider: videoDecider,
        command: { type: "Progress", attempt: 1, stage: VideoProcessingStage.TRANSCODING, percent: 60, playable: false, at: new Date() },
        requestId: rid(),
        codec: videoCodec,
      }),
    ).rejects.toBeInstanceOf(StaleAttemptError);
    for (const w of workers.splice(0)) await w.stop();
  });

  it.skipIf(c.profile === "embedded")("takes over from a worker process killed with SIGKILL mid-encode", async () => {
    const longer = await makeClip(join(dir, "longer.mp4"), { durationSec: 8, width: 360, height: 640 });
    const uploadId = await upload(ana, longer, { durationMs: 8000, width: 360, height: 640 });
    // A filter makes the worker re-encode everything: seconds of work to be killed in.
    const { videoId } = await ana.uploads.completeUpload({ requestId: rid(), uploadId, privacy: Privacy.PUBLIC, effects: { colorFilter: ColorFilter.MONO } });
    const child = spawnWorker(server.env);
    try {
      const claimed = await eventually(async () => {
        const s = (await jobEvents(videoId)).find((e) => e.$typeName === "flick.events.v1.VideoProcessingStarted");
        if (!s || s.$typeName !== "flick.events.v1.VideoProcessingStarted") throw new Error("not claimed yet");
        return s;
      }, 60_000);
      process.kill(-child.pid!, "SIGKILL"); // the worker and its ffmpeg children
      expect((await jobEvents(videoId)).some((e) => e.$typeName === "flick.events.v1.VideoPublished")).toBe(false);
      const rescuer = worker("w-after-kill");
      const seen = await watchUntilDone(ana, uploadId);
      expect(seen.at(-1)!.stage).toBe(ProcessingStage.READY);
      const started = (await jobEvents(videoId)).filter((e) => e.$typeName === "flick.events.v1.VideoProcessingStarted");
      expect(started.map((e) => [e.attempt, e.workerId])).toEqual([
        [1, claimed.workerId],
        [2, rescuer.workerId],
      ]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
    }
  }, 120_000);
});

/** `flick start --services=media` in its own process group, on the test server's storage. */
function spawnWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["services/bin/flick.mjs", "start", "--services=media"], {
    env: { ...process.env, ...env, PORT: "0", FLICK_DATA_DIR: "memory://" },
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
  });
  child.unref();
  return child;
}
