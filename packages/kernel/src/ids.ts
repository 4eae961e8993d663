// Ids. Event ids are derived, never random: the same client request on the same stream
// always yields the same ids, which is what makes a retried command a no-op. Resource
// ids are time-ordered so that new rows cluster at the end of indexes and sort by age.

import { randomBytes } from "node:crypto";
import { v5 as uuidv5, v7 as uuidv7 } from "uuid";

/** Fixed namespace for Flick event ids (a random UUID chosen once; never change it). */
export const EVENT_ID_NAMESPACE = "6f1c2a51-3c1e-4a4b-9f2e-5d0b8e7a9c10";

/**
 * UUIDv5 of (request id, stream, index of the event in the command's output). The NUL
 * separator keeps ("a-b", "c") and ("a", "b-c") apart.
 */
export function eventId(requestId: string, stream: string, index: number): string {
  if (!requestId) throw new Error("eventId: request id is required");
  return uuidv5(`${requestId}\u0000${stream}\u0000${index}`, EVENT_ID_NAMESPACE);
}

// Crockford's base32: no I, L, O, U; keeps the ids readable and case-insensitive.
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 16 bytes → 26 base32 chars, order-preserving (fixed width, big-endian). */
function base32(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

function unbase32(text: string): Uint8Array {
  let n = 0n;
  for (const ch of text.toUpperCase()) {
    const v = CROCKFORD.indexOf(ch);
    if (v < 0) throw new Error(`not a base32 id: ${text}`);
    n = (n << 5n) | BigInt(v);
  }
  const bytes = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return bytes;
}

export interface IdGenerator {
  /** A new id such as "vid_01JD8W3Q5Z6YB1T0E4H7K2M9NP"; later calls sort after earlier ones. */
  next(prefix: string): string;
}

/**
 * UUIDv7 (48-bit milliseconds + counter + random) printed as prefix + "_" + 26 base32
 * characters. Ids from one generator are strictly increasing even within a millisecond
 * or when the clock steps back; ids from different processes sort by time to the ms.
 * The prefix must not contain "-", which separates a stream's category from its id.
 */
export function createIdGenerator(options: { now?: () => number; random?: () => Uint8Array } = {}): IdGenerator {
  const now = options.now ?? Date.now;
  const random = options.random ?? (() => randomBytes(16));
  let lastMs = -Infinity;
  let seq = 0;
  return {
    next(prefix) {
      if (!/^[a-z][a-z0-9]*$/.test(prefix)) throw new Error(`id prefix must be lowercase alphanumeric: ${prefix}`);
      const rnd = random();
      const t = now();
      if (t > lastMs) {
        lastMs = t;
        // Start the 31-bit counter in its lower half so bursts within one ms do not overflow.
        seq = ((rnd[6]! & 0x3f) << 24) | (rnd[7]! << 16) | (rnd[8]! << 8) | rnd[9]!;
      } else {
        seq = (seq + 1) | 0;
        if (seq === 0) lastMs++;
      }
      const bytes = uuidv7({ msecs: lastMs, seq, random: rnd }, new Uint8Array(16));
      return `${prefix}_${base32(bytes)}`;
    },
  };
}

/** The creation time encoded in an id from `createIdGenerator`. */
export function idTime(id: string): Date {
  const underscore = id.lastIndexOf("_");
  const bytes = unbase32(id.slice(underscore + 1));
  let ms = 0;
  for (let i = 0; i < 6; i++) ms = ms * 256 + bytes[i]!;
  return new Date(ms);
}
