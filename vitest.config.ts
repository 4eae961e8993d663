import { defineConfig } from "vitest/config";

// Test tiers by file name (Emmett's habit): *.unit.spec.ts are pure and fast;
// *.int.spec.ts talk to real engines (a suite whose server is absent skips loudly);
// *.e2e.spec.ts start a real Flick server.
export default defineConfig({
  test: {
    include: ["**/*.spec.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
