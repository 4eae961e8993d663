// Sounds and favourites, given/when/then.
import { describe, it } from "vitest";
import { SoundCreatedSchema, SoundSavedSchema, SoundUnsavedSchema } from "@flick/contracts/flick/events/v1/sound_pb";
import { AlreadyExistsError, DeciderSpecification } from "@flick/kernel";
import { soundDecider } from "../commands/sound.decider.js";
import { soundSaveDecider } from "../commands/sound-save.decider.js";
import { event } from "../../video/events.js";

const at = new Date("2026-01-01T10:00:00Z");
const sound = { soundId: "snd_1", original: true, title: "original sound", authorUserId: "usr_ana", sourceVideoId: "vid_1", durationMs: 15_000, audioPath: "sounds/snd_1/audio.m4a" };

describe("a sound", () => {
  const created = event(SoundCreatedSchema, { ...sound, occurredAt: at });
  it("is created once; the same creation again (a retried job) is a no-op", () => {
    DeciderSpecification.for(soundDecider).given([]).when({ type: "Create", sound, at }).then([created]);
    DeciderSpecification.for(soundDecider).given([created]).when({ type: "Create", sound, at: new Date() }).thenNothingHappened();
  });
  it("refuses a different sound under a taken id", () => {
    DeciderSpecification.for(soundDecider).given([created]).when({ type: "Create", sound: { ...sound, original: false, title: "Hit", artist: "X" }, at }).thenThrows(AlreadyExistsError);
  });
});

describe("favourites", () => {
  const spec = DeciderSpecification.for(soundSaveDecider);
  const saved = event(SoundSavedSchema, { soundId: "snd_1", userId: "usr_bob", occurredAt: at });
  const cmd = (type: "Save" | "Unsave") => ({ type, userId: "usr_bob", soundId: "snd_1", at });
  it("save and unsave are idempotent", () => {
    spec.given([]).when(cmd("Save")).then([saved]);
    spec.given([saved]).when(cmd("Save")).thenNothingHappened();
    spec.given([saved]).when(cmd("Unsave")).then([event(SoundUnsavedSchema, { soundId: "snd_1", userId: "usr_bob", occurredAt: at })]);
    spec.given([]).when(cmd("Unsave")).thenNothingHappened();
  });
});
