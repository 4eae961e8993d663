// The server profile's engines for one benchmark run. They are shared with other jobs on
// this machine (tests, other benches) and projection names are fixed, so a run on the
// default database and Redis keyspace would fight their runners over the same checkpoints:
// each run gets a PostgreSQL database of its own (dropped afterwards) and a Redis logical
// database (BENCH_REDIS_DB, else `defaultRedisDb`; flushed first).
import { randomUUID } from "node:crypto";

export async function isolatedServerEngines(name: string, defaultRedisDb: number) {
  const pg = (await import("pg")).default;
  const { Redis } = await import("ioredis");
  const admin = new pg.Client({ connectionString: process.env.POSTGRES_URL! });
  await admin.connect();
  const database = `bench_${name}_${randomUUID().replace(/-/g, "").slice(0, 10)}`;
  await admin.query(`CREATE DATABASE ${database}`);
  const postgresUrl = new URL(process.env.POSTGRES_URL!);
  postgresUrl.pathname = `/${database}`;
  const redisUrl = new URL(process.env.REDIS_URL!);
  redisUrl.pathname = `/${process.env.BENCH_REDIS_DB ?? defaultRedisDb}`;
  const redis = new Redis(redisUrl.toString());
  await redis.flushdb();
  redis.disconnect();
  return {
    postgresUrl: postgresUrl.toString(),
    redisUrl: redisUrl.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    },
  };
}
