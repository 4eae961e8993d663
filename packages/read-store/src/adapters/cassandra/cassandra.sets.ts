// Sets on Cassandra: a partition per key, a clustering row per member (so contains and
// containsMany are point reads: member = ? / member IN ?), with the time it was added.
// Expiry is Cassandra's own TTL, computed from that time; reads also compare the time so
// a member disappears on the exact second (CQL TTLs are whole seconds). A capped set reads
// its partition after an add and deletes the oldest members beyond maxSize, so a capped
// add costs O(maxSize): keep caps in the hundreds or low thousands.

import type { SetAddition, SetSpec, Sets } from "../../ports/sets.port.js";
import { toArray } from "../../internal/keys.js";
import { chunks, inParallel, qualified, ttlUntil, type Cql } from "./cassandra.cql.js";

const tableOf = (spec: SetSpec) => `set_${spec.name}`;

export async function createCassandraSets(cql: Cql, keyspace: string, spec: SetSpec): Promise<void> {
  await cql.ddl(
    `CREATE TABLE IF NOT EXISTS ${qualified(keyspace, tableOf(spec))} (key text, member text, added_at timestamp, PRIMARY KEY (key, member))`,
  );
}

export function cassandraSetTables(spec: SetSpec): string[] {
  return [tableOf(spec)];
}

export function cassandraSets(cql: Cql, keyspace: string, spec: SetSpec): Sets {
  const table = qualified(keyspace, tableOf(spec));
  const ttlMs = (spec.ttlSeconds ?? 0) * 1000;
  const alive = (addedAt: Date | null | undefined) => addedAt != null && (ttlMs === 0 || addedAt.getTime() > Date.now() - ttlMs);
  const readAll = async (key: string) => {
    const rows: { member: string; addedAt: Date }[] = [];
    let pageState: string | undefined;
    do {
      const rs = await cql.execute(`SELECT member, added_at FROM ${table} WHERE key = ?`, [key], { fetchSize: 5000, pageState });
      for (const r of rs.rows) rows.push({ member: r["member"] as string, addedAt: r["added_at"] as Date });
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return rows;
  };
  const deleteMembers = async (key: string, members: readonly string[]) => {
    for (const part of chunks(members, 100)) await cql.execute(`DELETE FROM ${table} WHERE key = ? AND member IN ?`, [key, part]);
  };

  const sets: Sets = {
    async add(key, members, options) {
      const list = [...new Set(toArray(members))];
      if (list.length === 0) return;
      const at = options?.at ?? new Date();
      const ttl = ttlMs ? ttlUntil(at.getTime() + ttlMs) : 0;
      if (ttlMs && ttl <= 0) {
        // Added longer ago than the TTL: as good as expired (and it replaces a newer add).
        await deleteMembers(key, list);
        return;
      }
      const insert = `INSERT INTO ${table} (key, member, added_at) VALUES (?, ?, ?)${ttl ? " USING TTL ?" : ""}`;
      for (const part of chunks(list, 100)) {
        await cql.batch(
          part.map((m) => ({ query: insert, params: ttl ? [key, m, at, ttl] : [key, m, at] })),
          { logged: false },
        );
      }
      if (spec.maxSize) {
        const rows = (await readAll(key)).filter((r) => alive(r.addedAt));
        if (rows.length > spec.maxSize) {
          // Newest first, ties by member descending (Redis's order): keep the first maxSize.
          rows.sort((a, b) => b.addedAt.getTime() - a.addedAt.getTime() || (a.member < b.member ? 1 : a.member > b.member ? -1 : 0));
          await deleteMembers(key, rows.slice(spec.maxSize).map((r) => r.member));
        }
      }
    },
    async addMany(additions) {
      // Keys in parallel (each its own partition), each key's adds in order.
      const byKey = new Map<string, SetAddition[]>();
      for (const a of additions) byKey.set(a.key, [...(byKey.get(a.key) ?? []), a]);
      await inParallel([...byKey.values()], 16, async (adds) => {
        for (const a of adds) await sets.add(a.key, a.members, { at: a.at });
      });
    },
    async remove(key, members) {
      const list = [...new Set(toArray(members))];
      if (list.length > 0) await deleteMembers(key, list);
    },
    async contains(key, member) {
      const rs = await cql.execute(`SELECT added_at FROM ${table} WHERE key = ? AND member = ?`, [key, member]);
      return alive(rs.rows[0]?.["added_at"] as Date | undefined);
    },
    async containsMany(key, members) {
      if (members.length === 0) return [];
      const present = new Set<string>();
      for (const part of chunks([...new Set(members)], 100)) {
        const rs = await cql.execute(`SELECT member, added_at FROM ${table} WHERE key = ? AND member IN ?`, [key, part]);
        for (const r of rs.rows) if (alive(r["added_at"] as Date)) present.add(r["member"] as string);
      }
      return members.map((m) => present.has(m));
    },
    async size(key) {
      if (!ttlMs) {
        const rs = await cql.execute(`SELECT COUNT(*) AS n FROM ${table} WHERE key = ?`, [key]);
        return Number(rs.rows[0]?.["n"] ?? 0);
      }
      return (await readAll(key)).filter((r) => alive(r.addedAt)).length;
    },
    async clear(key) {
      await cql.execute(`DELETE FROM ${table} WHERE key = ?`, [key]);
    },
  };
  return sets;
}
