// A user's favourite (stream sound-save-<user_id>-<sound_id>): saved or not. Saving a
// saved sound (or unsaving an unsaved one) changes nothing, so both are idempotent.
import { SoundSavedSchema, SoundUnsavedSchema } from "@flick/contracts/flick/events/v1/sound_pb";
import type { Decider } from "@flick/kernel";
import { event } from "../../video/events.js";
import type { SoundSaveEvent } from "../events.js";

export interface SoundSaveState {
  saved: boolean;
}

export type SoundSaveCommand = { type: "Save" | "Unsave"; userId: string; soundId: string; at: Date };

export const soundSaveDecider: Decider<SoundSaveCommand, SoundSaveState, SoundSaveEvent> = {
  initialState: () => ({ saved: false }),
  evolve: (_s, e) => ({ saved: e.$typeName === "flick.events.v1.SoundSaved" }),
  decide(c, s) {
    if (c.type === "Save") return s.saved ? [] : [event(SoundSavedSchema, { soundId: c.soundId, userId: c.userId, occurredAt: c.at })];
    return s.saved ? [event(SoundUnsavedSchema, { soundId: c.soundId, userId: c.userId, occurredAt: c.at })] : [];
  },
};
