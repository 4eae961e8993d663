// The port's search filter as a Qdrant filter. Payload fields are indexed (see
// qdrant.vector-index.ts), so Qdrant filters inside its HNSW walk and switches to an exact
// scan by itself when the estimated cardinality is small: no post-filtering here.

import type { Schemas } from "@qdrant/js-client-rest";
import { filterLists } from "../internal/filter.js";
import type { SearchFilter } from "../vector-index.port.js";
import { pointIdOf } from "./qdrant.ids.js";

export const PAYLOAD_FIELDS = {
  id: "id",
  creatorId: "creatorId",
  soundId: "soundId",
  createdAt: "createdAt",
  visibility: "visibility",
} as const;

export function toQdrantFilter(filter: SearchFilter | undefined): Schemas["Filter"] | undefined {
  const f = filterLists(filter);
  const must: Schemas["Condition"][] = [];
  const mustNot: Schemas["Condition"][] = [];
  if (f.excludeIds.length > 0) mustNot.push({ has_id: f.excludeIds.map(pointIdOf) });
  if (f.excludeCreatorIds.length > 0) mustNot.push({ key: PAYLOAD_FIELDS.creatorId, match: { any: f.excludeCreatorIds } });
  if (f.publicOnly) must.push({ key: PAYLOAD_FIELDS.visibility, match: { value: "public" } });
  if (f.createdAfter !== undefined) must.push({ key: PAYLOAD_FIELDS.createdAt, range: { gt: f.createdAfter } });
  if (must.length === 0 && mustNot.length === 0) return undefined;
  return { ...(must.length > 0 ? { must } : {}), ...(mustNot.length > 0 ? { must_not: mustNot } : {}) };
}
