export * from "./projection.js";
export * from "./checkpoint-store.port.js";
export * from "./sql.checkpoint-store.js";
export * from "./batches.js";
export * from "./lag.js";
export * from "./runner.js";
export * from "./sql-projection-under-test.js";
export * from "./examples/events-per-stream.projection.js";
