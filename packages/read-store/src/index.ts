export * from "./ports/table.port.js";
export * from "./ports/counters.port.js";
export * from "./ports/sets.port.js";
export * from "./ports/sorted-sets.port.js";
export * from "./ports/pubsub.port.js";
export * from "./ports/cache.port.js";
export * from "./ports/read-store.port.js";

export {
  createPostgresReadStore,
  createPgPoolReadStore,
  createPgliteReadStore,
  postgresCapabilities,
  pgliteCapabilities,
  type PostgresReadStoreOptions,
  type PostgresConnectionOptions,
} from "./adapters/postgres/postgres.read-store.js";
export { pgPoolNotifications, pgliteNotifications, type NotificationSource } from "./adapters/postgres/postgres.notifications.js";
export { createRedisReadStore, redisCapabilities, type RedisReadStoreOptions } from "./adapters/redis/redis.read-store.js";
export {
  createCassandraReadStore,
  createCassandraClient,
  ensureKeyspace,
  cassandraCapabilities,
  type CassandraReadStoreOptions,
} from "./adapters/cassandra/cassandra.read-store.js";

export { mapCheckpointStore, type ReadModelCheckpoints } from "./projection/read-model-checkpoints.js";
export {
  createPostgresCheckpointStore,
  createPgPoolCheckpointStore,
  createPgliteCheckpointStore,
  type PostgresCheckpointStoreOptions,
} from "./adapters/postgres/postgres.checkpoint-store.js";
export { createCassandraCheckpointStore, type CassandraCheckpointStoreOptions } from "./adapters/cassandra/cassandra.checkpoint-store.js";
export { createRedisCheckpointStore, type RedisCheckpointStoreOptions } from "./adapters/redis/redis.checkpoint-store.js";
export { streamActivityProjection, readStreamActivity, eventsPerCategory, activeStreams, type StreamActivity } from "./examples/stream-activity.projection.js";
