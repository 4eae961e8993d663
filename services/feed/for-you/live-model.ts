// The For You model, kept live in this process: a projection (in memory, rebuilt from
// the log at start, like the in-process ANN index) feeds every video, view, like, save
// and share to the recommender; a refresher recomputes content vectors and the popular
// list every few seconds when something changed, and copies changed video vectors into
// the vector index the candidate search uses. Every feed process runs its own, so any
// replica can serve any viewer; they agree because they apply the same events in the
// same order.
import type { RecordedEvent } from "@flick/event-store";
import { VideoPrivacy } from "@flick/contracts/flick/events/v1/video_pb";
import { ProjectionRunner, type Projection } from "@flick/projection-runner";
import { defineCollection, type VectorCollection, type VectorIndex } from "@flick/vector-index";
import { engagementCodec, toDate } from "../../engagement/events.js";
import { identityCodec } from "../../identity/events.js";
import type { Platform } from "../../platform/platform.js";
import { timeSlicer } from "../../platform/time-slicer.js";
import { mediaCodec } from "../../video/events.js";
import { MemoryCheckpoints } from "./memory-checkpoints.js";
import { Recommender, type Visibility } from "./model/recommender.js";
import { DIM } from "./model/vectors.js";

export const videoVectors = defineCollection("feed_videos", DIM, "cosine");

const visibilityOf = (p: VideoPrivacy): Visibility =>
  p === VideoPrivacy.PUBLIC ? "public" : p === VideoPrivacy.FRIENDS ? "friends" : "private";

const CATALOGUE_EVENTS = new Set(["flick.events.v1.VideoPublished", "flick.events.v1.VideoUpdated", "flick.events.v1.VideoDeleted"]);

export const viewerKeyOf = (userId: string | undefined, anonymousSessionId: string | undefined) => (userId ? `u:${userId}` : `a:${anonymousSessionId}`);

export interface LiveModelOptions {
  /** How often the refresher looks for changes (default 2 s). */
  refreshEveryMs?: number;
  /**
   * Longest a changed catalogue waits for a full refresh, which re-learns the content
   * embedding over the whole catalogue (default 60 s; sooner when it grew by 5 %).
   */
  contentRefreshEveryMs?: number;
}

/** Growth of the catalogue since the last full refresh that warrants the next one at once (a bulk import, a first start). */
const CONTENT_GROWTH = 0.05;

export class LiveModel {
  readonly model = new Recommender();
  /** Creators whose account is private: their "public" videos are for followers only. */
  readonly privateAccounts = new Set<string>();
  readonly runner: ProjectionRunner<void>;
  private collection: VectorCollection | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  /** Duration of the last refresh, in ms (reported by the feed benchmark). */
  lastRefreshMs = 0;
  /**
   * Checkpoint of the last catalogue event (published, updated, deleted) the model applied:
   * a page waits for the catalogue to reach it, so whatever the model can pick, the
   * catalogue can render. (Waiting for the caller's token there instead would wait for
   * nothing: the catalogue never sees a view, and may not move past one until its next
   * video event.)
   */
  catalogueCheckpoint: string | undefined;
  refreshedAt = 0;
  /** When the last full refresh (content and behaviour) ran. */
  private fullRefreshAt = 0;

  constructor(
    private readonly platform: Platform,
    private readonly index: VectorIndex,
    private readonly options: LiveModelOptions = {},
  ) {
    this.runner = new ProjectionRunner<void>({
      store: platform.events,
      checkpoints: new MemoryCheckpoints(),
      projection: this.projection(),
      maxBatchDelayMs: 5,
      onError: (e) => console.error("projection for_you_model:", e),
    });
  }

  private projection(): Projection<void> {
    return {
      name: "for_you_model",
      version: 1,
      filter: {
        eventTypes: [
          "flick.events.v1.VideoPublished",
          "flick.events.v1.VideoUpdated",
          "flick.events.v1.VideoDeleted",
          "flick.events.v1.VideoViewed",
          "flick.events.v1.VideoLiked",
          "flick.events.v1.VideoSaved",
          "flick.events.v1.VideoShared",
          "flick.events.v1.ProfileUpdated",
        ],
      },
      handle: async (events) => {
        for (const e of events) this.apply(e);
      },
    };
  }

  private apply(r: RecordedEvent): void {
    const m = this.model;
    if (r.type === "flick.events.v1.ProfileUpdated") {
      const e = identityCodec.decode(r);
      if (e?.$typeName !== "flick.events.v1.ProfileUpdated") return;
      if (e.privateAccount) this.privateAccounts.add(e.userId);
      else this.privateAccounts.delete(e.userId);
      return;
    }
    const media = CATALOGUE_EVENTS.has(r.type) ? mediaCodec.decode(r) : undefined;
    if (media) {
      this.catalogueCheckpoint = r.checkpoint;
      switch (media.$typeName) {
        case "flick.events.v1.VideoPublished":
          m.upsertVideo({
            videoId: media.videoId,
            creatorId: media.userId,
            soundId: media.soundId,
            hashtags: media.hashtags,
            caption: media.caption,
            durationMs: media.durationMs,
            createdAt: toDate(media.createdAt ?? media.occurredAt).getTime(),
            visibility: visibilityOf(media.privacy),
          });
          return;
        case "flick.events.v1.VideoUpdated": {
          const old = m.videos.get(media.videoId);
          if (!old) return;
          if (media.changedFields.includes("hashtags") || media.changedFields.includes("caption")) {
            // The model keeps neither hashtags nor caption: the event brings both.
            const { videoId, creatorId, soundId, durationMs, createdAt } = old;
            m.upsertVideo({ videoId, creatorId, soundId, durationMs, createdAt, hashtags: media.hashtags, caption: media.caption, visibility: visibilityOf(media.privacy) });
          } else m.setVisibility(media.videoId, visibilityOf(media.privacy));
          return;
        }
        case "flick.events.v1.VideoDeleted":
          m.removeVideo(media.videoId);
          return;
      }
      return;
    }
    const e = engagementCodec.decode(r);
    if (!e) return;
    switch (e.$typeName) {
      case "flick.events.v1.VideoViewed": {
        const ratio = e.completionRatio > 0 ? e.completionRatio : e.videoDurationMs > 0 ? e.watchTimeMs / e.videoDurationMs : 0;
        m.observeView(viewerKeyOf(e.userId || undefined, e.anonymousSessionId), e.videoId, ratio, toDate(e.occurredAt).getTime());
        return;
      }
      case "flick.events.v1.VideoLiked":
      case "flick.events.v1.VideoSaved":
      case "flick.events.v1.VideoShared":
        m.observeEndorsement(viewerKeyOf(e.userId, undefined), e.videoId);
        return;
    }
  }

  async start(): Promise<void> {
    this.collection = await this.index.ensureCollection(videoVectors);
    await this.runner.start();
    await this.runner.catchUp(120_000);
    await this.refresh();
    const every = this.options.refreshEveryMs ?? 2_000;
    this.timer = setInterval(() => void this.refresh().catch((e) => console.error("for you model refresh:", e)), every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    await this.runner.stop();
  }

  /** Recomputes vectors when videos or audiences changed, and syncs the vector index. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const m = this.model;
    const now = Date.now();
    // A new video is embedded on arrival with the embedding as it stands, so the full
    // refresh (which costs the whole catalogue) can wait for a minute of uploads; views
    // only re-mix the vectors of the videos they moved (~20 ms after 160k views at 100k
    // videos; ~5 ms for the popular list alone).
    const contentDue =
      this.fullRefreshAt === 0 ||
      (m.catalogueChanged > 0 && (now - this.fullRefreshAt >= (this.options.contentRefreshEveryMs ?? 60_000) || m.videos.size > m.sizeAtRefresh * (1 + CONTENT_GROWTH)));
    if (!contentDue && !m.behaviourStale) return;
    const started = performance.now();
    if (contentDue) {
      // In steps: ~0.35 s of CPU at 100k videos, which pages would otherwise queue behind.
      await m.refreshInSteps(timeSlicer());
      this.fullRefreshAt = now;
    } else m.refreshBehaviour();
    const changed = m.takeChangedVectors();
    const upserts = [];
    for (const id of changed) {
      const v = m.videos.get(id);
      if (v) upserts.push({ id, vector: v.vector, payload: { creatorId: v.creatorId, soundId: v.soundId || null, createdAt: v.createdAt, visibility: v.visibility } });
      else await this.collection!.delete(id);
    }
    for (let i = 0; i < upserts.length; i += 1000) await this.collection!.upsertMany(upserts.slice(i, i + 1000));
    this.lastRefreshMs = performance.now() - started;
    this.refreshedAt = Date.now();
  }

  /** Nearest public videos to a vector, by the vector index. */
  async nearest(vector: Float32Array, k: number): Promise<string[]> {
    if (!this.collection) return [];
    const hits = await this.collection.searchIds(vector, Math.min(k, this.index.capabilities.maxK), { publicOnly: true });
    return hits.map((h) => h.id);
  }

  waitFor(checkpoint: string, timeoutMs: number): Promise<boolean> {
    return this.runner.waitFor(checkpoint, timeoutMs);
  }
}
