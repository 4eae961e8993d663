// Paging helpers over read-store tables: whole partitions (bounded) for loaders, and the
// opaque client cursor of the list RPCs, which wraps the table's own cursor with the
// list it belongs to, so a cursor from another list or user is refused as INVALID_ARGUMENT
// instead of reaching the engine.
import { createHash } from "node:crypto";
import { ValidationError } from "@flick/kernel";
import type { PartitionKeyOf, RowOf, TableSchema, WideColumnTable } from "@flick/read-store";

/** Every row of a partition, in clustering order, up to `max`. */
export async function scanAll<S extends TableSchema>(table: WideColumnTable<S>, partition: PartitionKeyOf<S>, max = 20_000): Promise<RowOf<S>[]> {
  const rows: RowOf<S>[] = [];
  let cursor: string | undefined;
  do {
    const page = await table.scan(partition, { limit: 5000, cursor });
    rows.push(...page.rows);
    cursor = page.cursor;
  } while (cursor && rows.length < max);
  return rows.slice(0, max);
}

const tag = (list: string) => createHash("sha256").update(list).digest("base64url").slice(0, 8);

export function encodeListCursor(list: string, tableCursor: string | undefined): string {
  return tableCursor ? `${tag(list)}.${Buffer.from(tableCursor, "utf8").toString("base64url")}` : "";
}

export function decodeListCursor(list: string, cursor: string): string | undefined {
  if (!cursor) return undefined;
  const dot = cursor.indexOf(".");
  if (dot < 0 || cursor.slice(0, dot) !== tag(list)) throw ValidationError.field("cursor", "not a cursor of this list");
  return Buffer.from(cursor.slice(dot + 1), "base64url").toString("utf8");
}

/** One page of a list; a tampered table cursor is reported as bad input. */
export async function scanPage<S extends TableSchema>(
  table: WideColumnTable<S>,
  partition: PartitionKeyOf<S>,
  list: string,
  limit: number,
  cursor: string,
): Promise<{ rows: RowOf<S>[]; nextCursor: string }> {
  const tableCursor = decodeListCursor(list, cursor);
  try {
    const page = await table.scan(partition, { limit, cursor: tableCursor });
    return { rows: page.rows, nextCursor: encodeListCursor(list, page.rows.length === limit ? page.cursor : undefined) };
  } catch (err) {
    if (tableCursor !== undefined) throw ValidationError.field("cursor", "invalid cursor");
    throw err;
  }
}
