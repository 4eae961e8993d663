// Qdrant point ids must be unsigned integers or UUIDs, while Flick's ids are strings.
// A UUID id is used as it is; any other string maps to a name-based UUID (version 5,
// SHA-1, RFC 9562 §5.5) so the same id always addresses the same point from every
// process. The original id also travels in the payload, so hits need no reverse map.

import { createHash } from "node:crypto";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// A fixed namespace for Flick's ids (itself a random v4 UUID, never to change).
const NAMESPACE = Buffer.from("6f3c2a8e5b7d4c19a0e2f4b6d8c1e3a5", "hex");

export function pointIdOf(id: string): string {
  if (UUID.test(id)) return id;
  const h = createHash("sha1").update(NAMESPACE).update(id, "utf8").digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
