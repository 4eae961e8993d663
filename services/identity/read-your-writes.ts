// Read-your-writes without a checkpoint in the API: the protos have no field for one,
// so each process remembers, per signed-in user, the checkpoint of that user's latest
// command, and a query by that user first waits (briefly) until the read models it reads
// have processed it. Other users' reads stay eventually consistent (lag is tens of ms).
// A client whose next call lands on another replica does not wait; Envoy's session
// affinity on the user (or a checkpoint header, later) closes that gap.
import type { Platform, ReadModel } from "../platform/platform.js";

const MAX_USERS = 100_000;
/** Entries older than this are settled by now: lag is far below it. */
const MAX_AGE_MS = 60_000;
/** How long a query waits for its caller's write before reading anyway. */
export const READ_YOUR_WRITES_BOUND_MS = 3_000;

export interface ReadYourWrites {
  /** Remembers the caller's newest write. */
  note(userId: string, checkpoint: string | undefined): void;
  /** Waits until `models` include the caller's newest write (bounded). */
  settle(userId: string | undefined, models: ReadModel[]): Promise<void>;
}

const perPlatform = new WeakMap<Platform, ReadYourWrites>();

export function readYourWrites(platform: Platform): ReadYourWrites {
  let ryw = perPlatform.get(platform);
  if (ryw) return ryw;
  const latest = new Map<string, { checkpoint: string; at: number }>();
  const compare = (a: string, b: string) => platform.events.compareCheckpoints(a, b);
  ryw = {
    note(userId, checkpoint) {
      if (!checkpoint) return;
      const prev = latest.get(userId);
      latest.delete(userId); // re-insert: the map's order is the LRU order
      latest.set(userId, { checkpoint: prev && compare(prev.checkpoint, checkpoint) > 0 ? prev.checkpoint : checkpoint, at: Date.now() });
      if (latest.size > MAX_USERS) latest.delete(latest.keys().next().value!);
    },
    async settle(userId, models) {
      if (!userId) return;
      const entry = latest.get(userId);
      if (!entry) return;
      if (Date.now() - entry.at > MAX_AGE_MS) {
        latest.delete(userId);
        return;
      }
      await Promise.all(models.map((m) => m.waitFor(entry.checkpoint, READ_YOUR_WRITES_BOUND_MS)));
    },
  };
  perPlatform.set(platform, ryw);
  return ryw;
}
