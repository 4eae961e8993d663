import type { EventMetadata, NewEvent, RecordedEvent } from "../../event-store.port.js";
import { encodeCheckpoint } from "./postgres.checkpoint.js";
import type { Row } from "./sql-driver.js";

// Each row brings its own copies of the event type and content type, and events are
// kept in memory for a while (the projection runner's shared subscription holds the last
// 20,000): one string per type instead, two objects fewer per event. A process knows a
// few dozen types; past the bound (a store full of foreign types) rows keep their own.
const types = new Map<string, string>();

function shared(type: string): string {
  const known = types.get(type);
  if (known !== undefined) return known;
  if (types.size < 10_000) types.set(type, type);
  return type;
}

export function toRecordedEvent(row: Row): RecordedEvent {
  const data = row.data as Uint8Array;
  return {
    id: row.id as string,
    type: shared(row.type as string),
    // pg returns a Buffer, PGlite a Uint8Array: hand out a plain view over the same bytes.
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    contentType: shared(row.content_type as string) as RecordedEvent["contentType"],
    metadata: (row.metadata ?? {}) as EventMetadata,
    streamName: row.stream_name as string,
    revision: BigInt(row.revision as string),
    checkpoint: encodeCheckpoint(row.tx as string, row.pos as string),
    recordedAt: row.recorded_at as Date,
  };
}

/** One append as the append_events function reads it. */
export function toAppendJson(stream: string, expected: string, events: NewEvent[]) {
  return {
    stream,
    expected,
    events: events.map((e) => ({
      id: e.id,
      type: e.type,
      contentType: e.contentType ?? "application/octet-stream",
      data: Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength).toString("base64"),
      metadata: e.metadata ?? {},
    })),
  };
}
