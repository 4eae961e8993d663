// The sound aggregate (stream sound-<sound_id>): created once, as a library track
// (ImportLibrarySound) or as a video's original sound (the media worker). Creating it
// again with the same content is a no-op, so a retried job or import changes nothing.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { SoundCreatedSchema, type SoundCreated } from "@flick/contracts/flick/events/v1/sound_pb";
import { AlreadyExistsError, type Decider } from "@flick/kernel";
import { event } from "../../video/events.js";
import type { SoundCatalogEvent } from "../events.js";

export interface SoundState {
  created: SoundCreated | undefined;
}

export type SoundCommand = {
  type: "Create";
  sound: Omit<MessageInitShape<typeof SoundCreatedSchema>, "$typeName" | "occurredAt">;
  at: Date;
};

/** The same sound: what a retry would create again (times aside). */
function sameSound(a: SoundCreated, b: SoundCommand["sound"]): boolean {
  return (
    a.original === (b.original ?? false) &&
    a.title === (b.title ?? "") &&
    a.artist === (b.artist ?? "") &&
    a.authorUserId === (b.authorUserId ?? "") &&
    a.sourceVideoId === (b.sourceVideoId ?? "") &&
    a.audioPath === (b.audioPath ?? "")
  );
}

export const soundDecider: Decider<SoundCommand, SoundState, SoundCatalogEvent> = {
  initialState: () => ({ created: undefined }),
  evolve: (_s, e) => ({ created: e }),
  decide(c, s) {
    if (s.created) {
      if (sameSound(s.created, c.sound)) return [];
      throw new AlreadyExistsError("sound", s.created.soundId);
    }
    return [event(SoundCreatedSchema, { ...c.sound, occurredAt: c.at })];
  },
};
