#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader: no build step between a clone and a
// running server. `env node` finds node_modules/.bin/node (Node 22) when run via npm.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli.ts");
main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
