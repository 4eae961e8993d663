// Codecs map domain events to stored events and back. The kernel stays generic: deciders
// see their own event type, the store sees type names and bytes. Production events are
// protobuf messages (see protobuf-codec.ts); the JSON codec serves tests and the kernel's
// own small events (reservations).

import type { NewEvent, RecordedEvent } from "@flick/event-store";

export interface EncodedEvent {
  type: string;
  data: Uint8Array;
  contentType?: NewEvent["contentType"];
}

export interface EventCodec<E> {
  encode(event: E): EncodedEvent;
  /**
   * The domain event, or undefined for a type this codec does not know: a tolerant reader
   * lets an older release fold a stream that a newer release has already extended.
   */
  decode(event: Pick<RecordedEvent, "type" | "data" | "contentType">): E | undefined;
}

// JSON has no bytes or bigints; tag them so they survive a round trip unchanged. The
// holder's own property is checked because JSON.stringify has already applied a Buffer's
// toJSON to `value`.
function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (typeof original === "bigint") return { $bigint: original.toString() };
  if (original instanceof Uint8Array) return { $bytes: Buffer.from(original).toString("base64") };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && typeof o.$bigint === "string") return BigInt(o.$bigint);
    if (keys.length === 1 && typeof o.$bytes === "string") return new Uint8Array(Buffer.from(o.$bytes, "base64"));
  }
  return value;
}

export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, replacer));
}

export function decodeJson<T>(data: Uint8Array): T {
  return JSON.parse(new TextDecoder().decode(data), reviver) as T;
}

/**
 * Events shaped `{ type: string, ...fields }`, stored as JSON under `prefix + type`.
 * `knownTypes` limits decoding to the decider's own events (others are skipped).
 */
export function createJsonCodec<E extends { type: string }>(
  options: { prefix?: string; knownTypes?: readonly E["type"][] } = {},
): EventCodec<E> {
  const prefix = options.prefix ?? "";
  const known = options.knownTypes ? new Set<string>(options.knownTypes) : undefined;
  return {
    encode(event) {
      const { type, ...fields } = event;
      return { type: prefix + type, data: encodeJson(fields), contentType: "application/json" };
    },
    decode(recorded) {
      if (!recorded.type.startsWith(prefix)) return undefined;
      const type = recorded.type.slice(prefix.length);
      if (known && !known.has(type)) return undefined;
      return { ...decodeJson<object>(recorded.data), type } as E;
    },
  };
}
