// A search filter compiled once per query into the form the in-process adapter and
// the contract suite test hits against (the engines compile it to SQL or Qdrant JSON).

import type { SearchFilter, VectorPayload } from "../vector-index.port.js";

export interface CompiledFilter {
  /** No condition at all: every stored vector passes. */
  readonly empty: boolean;
  /** How many ids are excluded outright (the adapter over-fetches by as many). */
  readonly excludedIdCount: number;
  passes(id: string, payload: VectorPayload): boolean;
}

export function compileFilter(filter: SearchFilter | undefined): CompiledFilter {
  const excludeIds = filter?.excludeIds ? asSet(filter.excludeIds) : undefined;
  const excludeCreators = filter?.excludeCreatorIds ? asSet(filter.excludeCreatorIds) : undefined;
  const publicOnly = filter?.publicOnly === true;
  const after = filter?.createdAfter;
  if (after !== undefined && !Number.isFinite(after)) throw new RangeError(`createdAfter must be epoch milliseconds, got ${after}`);
  const empty = !excludeIds?.size && !excludeCreators?.size && !publicOnly && after === undefined;
  return {
    empty,
    excludedIdCount: excludeIds?.size ?? 0,
    passes(id, p) {
      if (excludeIds?.has(id)) return false;
      if (excludeCreators?.has(p.creatorId)) return false;
      if (publicOnly && p.visibility !== "public") return false;
      if (after !== undefined && !(p.createdAt > after)) return false;
      return true;
    },
  };
}

/** The filter as plain arrays, for engines that take lists (SQL arrays, Qdrant has_id). */
export function filterLists(filter: SearchFilter | undefined): {
  excludeIds: string[];
  excludeCreatorIds: string[];
  publicOnly: boolean;
  createdAfter: number | undefined;
} {
  const after = filter?.createdAfter;
  if (after !== undefined && !Number.isFinite(after)) throw new RangeError(`createdAfter must be epoch milliseconds, got ${after}`);
  return {
    excludeIds: filter?.excludeIds ? [...asSet(filter.excludeIds)] : [],
    excludeCreatorIds: filter?.excludeCreatorIds ? [...asSet(filter.excludeCreatorIds)] : [],
    publicOnly: filter?.publicOnly === true,
    createdAfter: after,
  };
}

function asSet(ids: Iterable<string>): ReadonlySet<string> {
  return ids instanceof Set ? (ids as ReadonlySet<string>) : new Set(ids);
}
