// A test server whose storage nobody else shares. On the server profiles, engines are
// shared by every test file running at once (and by other runs on the machine): two
// Flick processes on one event store would run the same projections and fence each other
// off. So each test server gets its own PostgreSQL database, its own Redis database
// index (claimed with SET NX on db 0), and its own Cassandra keyspaces, all removed again
// on close.
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { Redis } from "ioredis";
import { createCassandraClient } from "@flick/read-store";
import { startTestServer, type TestServer } from "./support.js";
import type { ProfileCase } from "./profiles.js";

export interface IsolatedServer extends TestServer {
  /** The environment it was started with (for a second process on the same storage). */
  env: Record<string, string>;
}

async function claimRedisDb(url: string, owner: string): Promise<{ index: number; release(): Promise<void> }> {
  const admin = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      for (let index = 1; index < 16; index++) {
        if ((await admin.set(`flick-test:db:${index}`, owner, "EX", 3600, "NX")) === "OK") {
          const db = new Redis(url, { db: index, maxRetriesPerRequest: 2 });
          await db.flushdb();
          await db.quit();
          return {
            index,
            async release() {
              const r = new Redis(url, { db: index, maxRetriesPerRequest: 2 });
              await r.flushdb();
              await r.quit();
              const a = new Redis(url, { maxRetriesPerRequest: 2 });
              if ((await a.get(`flick-test:db:${index}`)) === owner) await a.del(`flick-test:db:${index}`);
              await a.quit();
            },
          };
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error("no free Redis database index for a test server (1–15 all claimed)");
  } finally {
    await admin.quit();
  }
}

async function createDatabase(url: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function dropKeyspaces(contactPoints: string, prefix: string): Promise<void> {
  const client = createCassandraClient(contactPoints.split(",").map((s) => s.trim()));
  await client.connect();
  try {
    const rs = await client.execute("SELECT keyspace_name FROM system_schema.keyspaces");
    for (const row of rs.rows) {
      const ks = String(row.keyspace_name);
      if (ks.startsWith(prefix)) await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
    }
  } finally {
    await client.shutdown();
  }
}

export async function startIsolatedServer(c: ProfileCase, env: Record<string, string> = {}, services = ["identity", "social"]): Promise<IsolatedServer> {
  if (c.profile === "embedded") {
    const all = { ...c.env, ...env };
    return { ...(await startTestServer({ services, env: all })), env: all };
  }
  const id = `ft${randomUUID().replace(/-/g, "").slice(0, 10)}`;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const db = await createDatabase(c.env.POSTGRES_URL!, id);
    cleanups.push(db.drop);
    const redis = await claimRedisDb(c.env.REDIS_URL!, id);
    cleanups.push(redis.release);
    const all: Record<string, string> = {
      ...c.env,
      POSTGRES_URL: db.url,
      REDIS_URL: `${c.env.REDIS_URL!.replace(/\/\d*$/, "")}/${redis.index}`,
      // Required outside the embedded profile (it wraps the per-user data keys).
      FLICK_MASTER_KEY: randomBytes(32).toString("hex"),
      ...env,
    };
    if (c.env.CASSANDRA_CONTACT_POINTS) {
      all.CASSANDRA_KEYSPACE = id;
      cleanups.push(() => dropKeyspaces(c.env.CASSANDRA_CONTACT_POINTS!, id));
    }
    const server = await startTestServer({ services, env: all });
    return {
      ...server,
      env: all,
      async close() {
        await server.close();
        for (const clean of cleanups.reverse()) await clean().catch((e) => console.warn("test cleanup:", e));
      },
    };
  } catch (e) {
    for (const clean of cleanups.reverse()) await clean().catch(() => {});
    throw e;
  }
}
