import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  binaryEvent,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AppendStreamState,
  type CurrentStreamState,
  type EventData,
  type Filter,
  type JSONType,
  type Position,
  type RecordedEvent as KurrentRecordedEvent,
} from "@kurrent/kurrentdb-client";
import {
  categoryOf,
  type AllFilter,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from "../../event-store.port.js";

// Translations between the port and the KurrentDB client; no I/O here.

export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  if (expected === "any") return ANY;
  if (expected === "no_stream") return NO_STREAM;
  if (expected === "exists") return STREAM_EXISTS;
  return expected;
}

export function toActualRevision(actual: CurrentStreamState): bigint | "no_stream" {
  // Deleted (-5) and tombstoned (-6) streams hold no events: report them as absent.
  return actual === NO_STREAM || actual < 0n ? "no_stream" : actual;
}

// A checkpoint is "<commit>/<prepare>", KurrentDB's position in its transaction log.

const FORMAT = /^(\d{1,20})\/(\d{1,20})$/;

export function encodePosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

export function decodePosition(checkpoint: string): Position {
  const match = FORMAT.exec(checkpoint);
  if (!match) throw new TypeError(`not a checkpoint of a KurrentDB event store: ${JSON.stringify(checkpoint)}`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

export function toEventData(event: NewEvent): EventData {
  // The client takes JSON payloads as values (it serialises them itself) and metadata as
  // a JSON value, which KurrentDB's UI and projections then read as JSON.
  const metadata = { ...event.metadata };
  if (event.contentType === "application/json") {
    let data: JSONType;
    try {
      data = JSON.parse(utf8.decode(event.data)) as JSONType;
    } catch (error) {
      throw new TypeError(`event ${event.id}: content type is JSON but data is not UTF-8 JSON`, { cause: error });
    }
    return jsonEvent({ id: event.id, type: event.type, data, metadata });
  }
  return binaryEvent({ id: event.id, type: event.type, data: event.data, metadata });
}

/** Events KurrentDB writes itself ($-prefixed types or streams, links): never delivered. */
export function isSystemEvent(event: KurrentRecordedEvent): boolean {
  return event.type.startsWith("$") || event.streamId.startsWith("$");
}

export function toRecordedEvent(event: KurrentRecordedEvent, fallbackCommit?: bigint): RecordedEvent {
  const position = event.position ?? (fallbackCommit === undefined ? undefined : { commit: fallbackCommit, prepare: fallbackCommit });
  if (!position) throw new Error("KurrentDB returned an event without a log position (server older than 22.6?)");
  const metadata = event.metadata;
  return {
    id: event.id,
    type: event.type,
    data: event.isJson ? encoder.encode(JSON.stringify(event.data)) : (event.data as Uint8Array),
    contentType: event.isJson ? "application/json" : "application/octet-stream",
    metadata: metadata && typeof metadata === "object" && !(metadata instanceof Uint8Array) && !Array.isArray(metadata)
      ? (metadata as EventMetadata)
      : {},
    streamName: event.streamId,
    revision: event.revision,
    checkpoint: encodePosition(position),
    recordedAt: event.created,
  };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * KurrentDB filters a subscription on stream name OR event type, not both: the server
 * filters on categories when there are some (usually the more selective), else on event
 * types; matches() re-checks both on the client.
 */
export function toServerFilter(filter: AllFilter | undefined): Filter {
  const categories = filter?.categories ?? [];
  const eventTypes = filter?.eventTypes ?? [];
  if (categories.length > 0) {
    // "video" must match "video" and "video-…" but not "videos-…": a prefix is not enough.
    return streamNameFilter({ regex: `^(?:${categories.map(escapeRegex).join("|")})(?:-|$)` });
  }
  if (eventTypes.length > 0) return eventTypeFilter({ regex: `^(?:${eventTypes.map(escapeRegex).join("|")})$` });
  return excludeSystemEvents();
}

export function matches(filter: AllFilter | undefined, event: RecordedEvent): boolean {
  if (filter?.categories?.length && !filter.categories.includes(categoryOf(event.streamName))) return false;
  if (filter?.eventTypes?.length && !filter.eventTypes.includes(event.type)) return false;
  return true;
}
