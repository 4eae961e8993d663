// A projection turns events into a read model. It is named and versioned: the name keys
// its checkpoint and its storage, and a new version is rebuilt from position 0 into fresh
// storage before it replaces the old one.

import { categoryOf, type AllFilter, type RecordedEvent } from "@flick/event-store";

export interface Projection<Tx> {
  /** Stable name, e.g. "video-catalog"; lowercase letters, digits and dashes. */
  name: string;
  /** Bump when the handler or the schema changes meaning: triggers a rebuild. */
  version: number;
  /** Which events the handler sees; every event still advances the checkpoint. */
  filter?: AllFilter;
  /** Creates the read model's tables (idempotent); runs inside the projection's storage. */
  setup?(tx: Tx): Promise<void>;
  /**
   * Applies a batch (in global order) in one unit of work. Delivery is at-least-once on
   * engines without atomic checkpoints, so writes must tolerate a batch seen twice.
   */
  handle(events: RecordedEvent[], tx: Tx): Promise<void>;
}

export function matchesFilter(filter: AllFilter | undefined, event: Pick<RecordedEvent, "streamName" | "type">): boolean {
  if (!filter) return true;
  if (filter.categories && !filter.categories.includes(categoryOf(event.streamName))) return false;
  if (filter.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  return true;
}
