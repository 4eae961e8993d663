// The media worker: takes processing jobs from the queue (the media-jobs read model),
// at most `concurrency` at a time. Delivery is at least once — a job stays queued until
// its video is published, failed for good or deleted — and exclusive per attempt:
//
// - claim: VideoProcessingStarted appended to the video's stream with the expected
//   revision (one claim wins); refused while another worker's lease is alive;
// - lease: alive while the holder writes to the stream or renews its heartbeat (a cache
//   entry, every leaseMs/4); a worker killed mid-job falls silent, and after leaseMs the
//   next claim starts attempt n+1 — the old attempt, should it wake up, is fenced off;
// - retries: a failed attempt that may be retried goes back in the queue after an
//   exponential backoff; a job past its attempts fails for good, with a reason.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { FailedPreconditionError, handleCommand, NotFoundError } from "@flick/kernel";
import { readUpload, uploadIdOf } from "../aggregates.js";
import { videoDecider } from "../commands/video.decider.js";
import { streams, uploadCodec, videoCodec } from "../events.js";
import { JOBS_KEY, mediaJobs } from "../projections/media-jobs.projection.js";
import type { VideoContext } from "../video.context.js";
import type { WorkerSettings } from "../video.settings.js";
import { runJob, type Job, type JobOutcome } from "./process-video.js";

export interface Heartbeat {
  worker: string;
  attempt: number;
  at: number;
}

export interface MediaWorker {
  readonly workerId: string;
  start(): void;
  /** Stops taking jobs and aborts the running ones (their leases then run out). */
  stop(): Promise<void>;
  /** Jobs running now (video ids). */
  running(): string[];
  /** Called when a job of this worker ends (tests, logs). */
  onJobEnd?: (job: Job, outcome: JobOutcome) => void;
}

export function createMediaWorker(ctx: VideoContext, options: Partial<WorkerSettings> & { workerId?: string } = {}): MediaWorker {
  const settings = { ...ctx.settings.worker, ...options };
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const jobs = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();
  let stopping = false;
  let claims = 0;

  const beat = async (videoId: string, attempt: number) => {
    const value: Heartbeat = { worker: workerId, attempt, at: Date.now() };
    await ctx.leases.set(videoId, JSON.stringify(value), { ttlSeconds: Math.ceil(settings.leaseMs / 1000) + 1 });
  };

  /** Starts attempt n+1 of the video's job, or says why not (undefined). */
  const claim = async (videoId: string, repaired = false): Promise<Job | undefined> => {
    const cached = await ctx.leases.get(videoId);
    const hb = cached ? (JSON.parse(cached) as Heartbeat) : undefined;
    try {
      const result = await handleCommand(ctx.events, {
        stream: streams.video(videoId),
        decider: videoDecider,
        command: {
          type: "Claim",
          videoId,
          workerId,
          leaseMs: settings.leaseMs,
          maxAttempts: settings.maxAttempts,
          heartbeat: hb ? { attempt: hb.attempt, at: new Date(hb.at) } : undefined,
          at: ctx.now(),
        },
        requestId: `claim.${workerId}.${++claims}`,
        codec: videoCodec,
        metadata: { actor: `media-worker:${workerId}` },
      });
      const started = result.events.find((e) => e.$typeName === "flick.events.v1.VideoProcessingStarted");
      return started?.$typeName === "flick.events.v1.VideoProcessingStarted" ? { videoId, attempt: started.attempt, workerId } : undefined;
    } catch (e) {
      if (e instanceof NotFoundError && !repaired) return (await repair(videoId)) ? claim(videoId, true) : undefined;
      if (e instanceof FailedPreconditionError || e instanceof NotFoundError) return undefined; // held, done, or gone
      throw e;
    }
  };

  /**
   * The upload's completion is in its own stream but the video's stream was never
   * started (the service crashed between the two appends): start it, as the request did.
   */
  const repair = async (videoId: string): Promise<boolean> => {
    const upload = await readUpload(ctx.events, uploadIdOf(videoId));
    const recorded = upload.recorded.find((r) => r.type === "flick.events.v1.UploadCompleted");
    const completed = recorded && uploadCodec.decode(recorded);
    if (completed?.$typeName !== "flick.events.v1.UploadCompleted" || completed.videoId !== videoId) return false;
    await handleCommand(ctx.events, {
      stream: streams.video(videoId),
      decider: videoDecider,
      command: { type: "Create", completed },
      requestId: recorded!.metadata.requestId ?? `repair-${videoId}`,
      codec: videoCodec,
      metadata: { actor: `media-worker:${workerId}` },
    });
    return true;
  };

  const run = (job: Job) => {
    const controller = new AbortController();
    const heartbeat = setInterval(() => void beat(job.videoId, job.attempt).catch(() => undefined), settings.heartbeatMs);
    const done = (async () => {
      let outcome: JobOutcome = "retry";
      try {
        await beat(job.videoId, job.attempt);
        outcome = await runJob(ctx, job, controller.signal);
      } catch (e) {
        console.error(`media worker ${workerId}: job ${job.videoId}:`, e);
      } finally {
        clearInterval(heartbeat);
        jobs.delete(job.videoId);
        await ctx.leases.delete(job.videoId).catch(() => undefined);
        worker.onJobEnd?.(job, outcome);
        if (!stopping) kick();
      }
    })();
    jobs.set(job.videoId, { controller, done });
  };

  const tick = async () => {
    if (stopping || jobs.size >= settings.concurrency) return;
    const store = await ctx.models.jobs.store();
    const now = ctx.now().getTime();
    const queued = await store.sortedSets(mediaJobs).top(JOBS_KEY, 50);
    for (const { member: videoId, score } of queued) {
      if (stopping || jobs.size >= settings.concurrency) return;
      if (-score > now || jobs.has(videoId)) continue;
      const job = await claim(videoId);
      if (job && !stopping) run(job);
    }
  };

  const kick = () => {
    ticking = ticking.then(tick).catch((e: unknown) => console.error(`media worker ${workerId}:`, e));
  };

  const worker: MediaWorker = {
    workerId,
    start() {
      if (timer) return;
      stopping = false;
      timer = setInterval(kick, settings.pollMs);
      kick();
    },
    async stop() {
      stopping = true;
      clearInterval(timer);
      timer = undefined;
      for (const j of jobs.values()) j.controller.abort();
      await Promise.all([...jobs.values()].map((j) => j.done));
      await ticking;
    },
    running: () => [...jobs.keys()],
  };
  return worker;
}
