// Development aid: runs the server's For You model in process on a simulated world
// beside the oracle, so a change to the model is judged in a minute rather than a full
// server run. Not a benchmark of record: `npm run bench:sim` measures the real server.
//   npx tsx bench/sim/tune.ts [--config FILE] [--viewers N] [--swipes N] [--background N] [--seed N] [--set explore=0.3,gamma=0.96]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { defaultParams, type RecommenderParams } from "../../services/feed/for-you/model/recommender.js";
import { OraclePolicy, runPolicy } from "./baselines.js";
import { configFrom } from "./config.js";
import { measure } from "./metrics.js";
import { ModelPolicy } from "./model-policy.js";
import { buildWorld } from "./world.js";

const { values } = parseArgs({
  options: {
    config: { type: "string" },
    viewers: { type: "string", default: "100" },
    swipes: { type: "string", default: "300" },
    background: { type: "string", default: "100" },
    seed: { type: "string", default: "1" },
    set: { type: "string", default: "" },
    "no-oracle": { type: "boolean", default: false },
  },
});
const json = values.config ? JSON.parse(readFileSync(values.config, "utf8")) : undefined;
const { world: wp, run } = configFrom(json, {
  viewers: Number(values.viewers),
  swipes: Number(values.swipes),
  backgroundViewers: Number(values.background),
  seed: Number(values.seed),
});
const params: RecommenderParams = structuredClone(defaultParams);
for (const kv of values.set!.split(",").filter(Boolean)) {
  const [k, v] = kv.split("=");
  if (k === "gamma" || k === "lambda" || k === "memory" || k === "steps") params.viewer[k] = Number(v);
  else (params as unknown as Record<string, number>)[k!] = Number(v);
}
const world = buildWorld(wp, run);
const show = (name: string, sessions: Parameters<typeof measure>[0], seconds: number) => {
  const m = measure(sessions, world.videos.size, wp.driftSwipe);
  console.log(
    `${name.padEnd(20)} WTR ${m.wtr.toFixed(3)} ratio ${m.watchRatio.toFixed(3)} cov ${m.coverage.toFixed(3)} viol ${m.violations} cold ${m.coldStart} recov ${m.recovery} (${seconds.toFixed(1)} s)`,
  );
  console.log("  per 10 swipes:", Array.from({ length: Math.ceil(m.wtrBySwipe.length / 20) }, (_, i) => m.wtrBySwipe.slice(i * 20, i * 20 + 20).reduce((a, b) => a + b, 0) / 20).map((x) => x.toFixed(2)).join(" "));
  return m;
};
if (!values["no-oracle"]) {
  const o = runPolicy(world, run, new OraclePolicy(world));
  show("oracle", o.sessions, o.seconds);
}
const policy = new ModelPolicy(world, params);
const r = runPolicy(world, run, policy);
show("model", r.sessions, r.seconds);
console.log("weights", JSON.stringify(policy.weights()), "params", JSON.stringify(params));
