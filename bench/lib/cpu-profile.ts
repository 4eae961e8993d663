// BENCH_CPU_PROFILE=dir: a .cpuprofile of this thread over a benchmark's measured window
// only (not its setup), for Chrome DevTools or a script. Off (undefined) without the variable.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

export async function startCpuProfile(name: string): Promise<{ stop(): Promise<void> } | undefined> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  return {
    async stop() {
      const { profile } = await session.post("Profiler.stop");
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
