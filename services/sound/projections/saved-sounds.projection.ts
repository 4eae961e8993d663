// Favourite sounds (tables role): each user's saved sounds, most recently saved first,
// and whether a user saved a given sound (for Sound.viewer_saved and to find the list
// row again when it is unsaved). Idempotent upserts and deletes of known keys.
import type { Projection } from "@flick/projection-runner";
import { defineTable, type ReadStore } from "@flick/read-store";
import { soundSaveCodec } from "../events.js";
import { toDate } from "../../video/events.js";

export const savedSoundsTable = defineTable({
  name: "saved_sounds",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [
    { name: "saved_at", type: "timestamp", order: "desc" },
    { name: "sound_id", type: "text", order: "desc" },
  ],
});

export const savedSoundStateTable = defineTable({
  name: "saved_sound_state",
  partitionKey: [{ name: "user_id", type: "text" }],
  clustering: [{ name: "sound_id", type: "text" }],
  columns: [{ name: "saved_at", type: "timestamp" }],
});

export function savedSoundsProjection(): Projection<ReadStore> {
  return {
    name: "saved-sounds",
    version: 1,
    filter: { categories: ["sound"], eventTypes: ["flick.events.v1.SoundSaved", "flick.events.v1.SoundUnsaved"] },
    setup: (store) => store.ensure(savedSoundsTable, savedSoundStateTable),
    async handle(events, store) {
      const list = store.table(savedSoundsTable);
      const saved = store.table(savedSoundStateTable);
      for (const recorded of events) {
        const e = soundSaveCodec.decode(recorded);
        if (!e) continue;
        const key = { user_id: e.userId, sound_id: e.soundId };
        const before = await saved.get(key);
        if (before?.saved_at) await list.delete({ user_id: e.userId, saved_at: before.saved_at, sound_id: e.soundId });
        if (e.$typeName === "flick.events.v1.SoundSaved") {
          const at = toDate(e.occurredAt);
          await list.upsert({ user_id: e.userId, saved_at: at, sound_id: e.soundId });
          await saved.upsert({ ...key, saved_at: at });
        } else {
          await saved.delete(key);
        }
      }
    },
  };
}
