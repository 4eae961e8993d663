// Helpers for tests and benchmarks of vector indexes (seeded data, exact ground truth).
export * from "./seeded-vectors.js";
