// One impression (stream view-<view_id>, the id derived from the viewer and the request
// id). Why a stream per impression rather than one per viewer: a view has no state to
// protect, so the only thing a stream read buys is exact idempotency. Keyed by the
// impression, that read is of an empty stream and the append expects no_stream — O(1),
// never contended, exactly once on every engine (KurrentDB's own event-id de-duplication
// is best-effort). One stream per viewer would make every view read the viewer's whole
// history (hundreds of events a day) or trust best-effort de-duplication. The viewer's
// history is a projection (feeds and analytics read it there).
//
// Watch time is checked against the duration the server knows: at most MAX_PLAYS plays
// (the API's bound on completion_ratio) plus a second of slack for player rounding; the
// stored completion ratio is the server's own watch time / duration, not the client's.
import { VideoViewedSchema, type ViewSource, type VideoViewed } from "@flick/contracts/flick/events/v1/engagement_pb";
import { ValidationError, type Decider } from "@flick/kernel";
import { event } from "../events.js";

/** Plays of a video one impression may report (loops and replays included). */
export const MAX_PLAYS = 10;
/** Rounding a player may add on top of MAX_PLAYS × duration. */
export const WATCH_SLACK_MS = 1_000;

export interface ViewState {
  recorded: boolean;
}

export interface ViewCommand {
  type: "RecordView";
  videoId: string;
  /** Signed-in viewer, or empty. */
  userId: string;
  /** Anonymous viewer's session id, or empty. */
  anonymousSessionId: string;
  videoCreatorId: string;
  /** The duration the server knows (0: unknown, then the client's ratio is kept). */
  videoDurationMs: number;
  watchTimeMs: number;
  completionRatio: number;
  source: ViewSource;
  impressionId: string;
  at: Date;
}

export const viewDecider: Decider<ViewCommand, ViewState, VideoViewed> = {
  initialState: () => ({ recorded: false }),
  evolve: () => ({ recorded: true }),
  decide(c, state) {
    if (state.recorded) return [];
    if (!c.userId && !c.anonymousSessionId) {
      throw ValidationError.field("anonymous_session_id", "required without a signed-in user");
    }
    if (c.watchTimeMs < 0) throw ValidationError.field("watch_time_ms", "must not be negative");
    let ratio = c.completionRatio;
    if (c.videoDurationMs > 0) {
      if (c.watchTimeMs > c.videoDurationMs * MAX_PLAYS + WATCH_SLACK_MS) {
        throw ValidationError.field("watch_time_ms", `more than ${MAX_PLAYS} plays of a ${c.videoDurationMs} ms video`);
      }
      ratio = Math.min(MAX_PLAYS, c.watchTimeMs / c.videoDurationMs);
    }
    return [
      event(VideoViewedSchema, {
        videoId: c.videoId,
        userId: c.userId,
        anonymousSessionId: c.userId ? "" : c.anonymousSessionId,
        videoCreatorId: c.videoCreatorId,
        watchTimeMs: c.watchTimeMs,
        completionRatio: Math.round(ratio * 10_000) / 10_000,
        source: c.source,
        impressionId: c.impressionId,
        videoDurationMs: c.videoDurationMs,
        occurredAt: c.at,
      }),
    ];
  },
};
