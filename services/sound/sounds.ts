// Sounds as commands need them: read from their own streams (strongly consistent).
import type { SoundCreated } from "@flick/contracts/flick/events/v1/sound_pb";
import type { EventStore } from "@flick/event-store";
import { fold } from "@flick/kernel";
import { soundDecider } from "./commands/sound.decider.js";
import { soundCodec, soundStreams } from "./events.js";

/** The sound's creation event, or undefined when there is no such sound. */
export async function readSound(store: EventStore, soundId: string): Promise<SoundCreated | undefined> {
  const recorded = await store.readStream(soundStreams.sound(soundId));
  return fold(soundDecider, recorded.map((r) => soundCodec.decode(r)).filter((e) => e !== undefined)).created;
}
