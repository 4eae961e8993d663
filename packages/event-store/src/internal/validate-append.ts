import type { ExpectedRevision, NewEvent } from "../event-store.port.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONTENT_TYPES = new Set(["application/octet-stream", "application/json"]);

/**
 * Rejects malformed appends before they reach an engine: with group commit, one bad
 * event must never be able to fail a transaction shared with other callers' appends.
 * Returns the events with ids lower-cased, the form every adapter reads back.
 */
export function validateAppend(stream: string, events: NewEvent[], expected: ExpectedRevision): NewEvent[] {
  if (typeof stream !== "string" || stream.length === 0) throw new TypeError("stream name must be a non-empty string");
  if (typeof expected === "bigint") {
    if (expected < 0n) throw new TypeError(`expected revision must be >= 0, got ${expected}`);
  } else if (expected !== "any" && expected !== "no_stream" && expected !== "exists") {
    throw new TypeError(`unknown expected revision ${String(expected)}`);
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw new TypeError(`append to ${stream}: at least one event is required`);
  }
  const ids = new Set<string>();
  return events.map((event, i) => {
    const where = `append to ${stream}, event ${i}`;
    if (typeof event.id !== "string" || !UUID.test(event.id)) throw new TypeError(`${where}: id must be a UUID`);
    const id = event.id.toLowerCase();
    if (ids.has(id)) throw new TypeError(`${where}: duplicate id ${id} in one append`);
    ids.add(id);
    if (typeof event.type !== "string" || event.type.length === 0) throw new TypeError(`${where}: type is required`);
    if (!(event.data instanceof Uint8Array)) throw new TypeError(`${where}: data must be a Uint8Array`);
    if (event.contentType !== undefined && !CONTENT_TYPES.has(event.contentType)) {
      throw new TypeError(`${where}: unsupported content type ${event.contentType}`);
    }
    return { ...event, id };
  });
}
