// Sound events (proto/flick/events/v1/sound.proto) as the kernel sees them. Streams:
// sound-<sound_id> (SoundCreated) and sound-save-<user_id>-<sound_id> (one user's
// favourite, saved and unsaved): small streams, so no sound's stream gets hot.
import { createProtobufCodec } from "@flick/kernel";
import type { SoundCreated, SoundSaved, SoundUnsaved } from "@flick/contracts/flick/events/v1/sound_pb";
import { mediaRegistry } from "../video/events.js";

export type SoundCatalogEvent = SoundCreated;
export type SoundSaveEvent = SoundSaved | SoundUnsaved;

export const soundCodec = createProtobufCodec<SoundCatalogEvent>(mediaRegistry);
export const soundSaveCodec = createProtobufCodec<SoundSaveEvent>(mediaRegistry);

export const soundStreams = {
  sound: (soundId: string) => `sound-${soundId}`,
  save: (userId: string, soundId: string) => `sound-save-${userId}-${soundId}`,
};
