// One user's save of one video (stream save-<video>-<user>): the same state stream as a
// like, private to the user (no notification).
import { VideoSavedSchema, VideoUnsavedSchema } from "@flick/contracts/flick/events/v1/engagement_pb";
import type { Decider } from "@flick/kernel";
import { event, toDate, type SaveEvent } from "../events.js";

export interface SaveState {
  saved: boolean;
  savedAt: Date | undefined;
}

export interface SaveCommand {
  type: "Save" | "Unsave";
  videoId: string;
  userId: string;
  videoCreatorId: string;
  at: Date;
}

export const saveDecider: Decider<SaveCommand, SaveState, SaveEvent> = {
  initialState: () => ({ saved: false, savedAt: undefined }),
  evolve: (_state, e) =>
    e.$typeName === "flick.events.v1.VideoSaved" ? { saved: true, savedAt: toDate(e.occurredAt) } : { saved: false, savedAt: undefined },
  decide(c, state) {
    const fields = { videoId: c.videoId, userId: c.userId, videoCreatorId: c.videoCreatorId, occurredAt: c.at };
    if (c.type === "Save") return state.saved ? [] : [event(VideoSavedSchema, fields)];
    return state.saved ? [event(VideoUnsavedSchema, fields)] : [];
  },
};
