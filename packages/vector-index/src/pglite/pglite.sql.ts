// SQL for the pgvector adapter. Identifiers come only from checked collection names
// (internal/validate.ts), so they are safe to splice; values always go as parameters.

import type { CollectionSpec, Metric } from "../vector-index.port.js";

export interface HnswIndexParams {
  /** pgvector's HNSW `m` (edges per node). */
  m: number;
  /** pgvector's HNSW `ef_construction`. */
  efConstruction: number;
}

export const CATALOG_DDL = `
create extension if not exists vector;
create table if not exists vector_collections (
  name text primary key,
  dimension int not null,
  metric text not null
);`;

export const tableOf = (name: string) => `vec_${name}`;

/** The distance operator and operator class per metric; both sort nearest first. */
const OPS: Record<Metric, { operator: string; opclass: string }> = {
  // <=> is the cosine distance, 1 − cosine similarity.
  cosine: { operator: "<=>", opclass: "vector_cosine_ops" },
  // <#> is the negative inner product (so ascending order is nearest first).
  dot: { operator: "<#>", opclass: "vector_ip_ops" },
};

export function operatorOf(metric: Metric): string {
  return OPS[metric].operator;
}

/** Turns the operator's value back into the port's score (higher is nearer). */
export function scoreOf(metric: Metric, distance: number): number {
  return metric === "cosine" ? 1 - distance : -distance;
}

export function tableDdl(table: string, dimension: number): string {
  return `create table if not exists ${table} (
  id text primary key,
  embedding vector(${dimension}) not null,
  creator_id text not null,
  sound_id text,
  created_at bigint not null,
  visibility text not null
)`;
}

export function indexDdl(table: string, spec: CollectionSpec, p: HnswIndexParams): string {
  return `create index if not exists ${table}_hnsw on ${table} using hnsw (embedding ${OPS[spec.metric].opclass}) with (m = ${p.m}, ef_construction = ${p.efConstruction})`;
}

/** Upserts rows given as parallel arrays (one statement for a whole batch). */
export function upsertSql(table: string, dimension: number): string {
  return `insert into ${table} (id, embedding, creator_id, sound_id, created_at, visibility)
select u.id, u.embedding::vector(${dimension}), u.creator_id, u.sound_id, u.created_at, u.visibility
from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::text[])
  as u(id, embedding, creator_id, sound_id, created_at, visibility)
on conflict (id) do update set
  embedding = excluded.embedding, creator_id = excluded.creator_id, sound_id = excluded.sound_id,
  created_at = excluded.created_at, visibility = excluded.visibility`;
}

export interface SqlFilter {
  excludeIds: string[];
  excludeCreatorIds: string[];
  publicOnly: boolean;
  createdAfter: number | undefined;
}

/**
 * The k nearest rows passing the filter. The inner query is what pgvector's HNSW index
 * answers (ORDER BY the distance operator, LIMIT); with iterative scans in relaxed order
 * it keeps walking the graph while the WHERE clause drops rows, and the outer ORDER BY
 * restores exact order (pgvector's documented pattern).
 */
export function searchSql(table: string, spec: CollectionSpec, f: SqlFilter): { text: string; params: unknown[] } {
  const op = operatorOf(spec.metric);
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const query = p(null); // the query vector, set by the caller
  const limit = p(null); // k, set by the caller
  const where: string[] = [];
  if (f.excludeIds.length > 0) where.push(`not (id = any(${p(f.excludeIds)}::text[]))`);
  if (f.excludeCreatorIds.length > 0) where.push(`not (creator_id = any(${p(f.excludeCreatorIds)}::text[]))`);
  if (f.publicOnly) where.push(`visibility = 'public'`);
  // created_at holds integers, so "> x" is "> floor(x)" and the bound can stay an int8.
  if (f.createdAfter !== undefined) where.push(`created_at > ${p(String(Math.floor(f.createdAfter)))}::int8`);
  const text = `with candidates as materialized (
  select id, embedding ${op} ${query}::vector(${spec.dimension}) as distance,
         creator_id, sound_id, created_at::float8 as created_at, visibility
  from ${table}
  ${where.length > 0 ? `where ${where.join(" and ")}` : ""}
  order by embedding ${op} ${query}::vector(${spec.dimension})
  limit ${limit}
)
select * from candidates order by distance, id`;
  return { text, params };
}

/** pgvector's text form of a vector. Float32 values print exactly as shortest decimals. */
export function vectorLiteral(v: Float32Array): string {
  return `[${Array.prototype.join.call(v, ",")}]`;
}

export function parseVector(text: string): Float32Array {
  return Float32Array.from(text.slice(1, -1).split(","), Number);
}
