// BENCH_HEAP_PROFILE=dir: a sampling heap profile (.heapprofile, for DevTools or a script)
// of this thread over a benchmark's measured window: where the objects allocated in the
// window that outlived the young generation were allocated — those still alive at the end
// and those a major GC collected (the promoted garbage that sets how often major GCs
// come); what died young is left out. Off (undefined) without the variable.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

export async function startHeapProfile(name: string): Promise<{ stop(): Promise<void> } | undefined> {
  const dir = process.env.BENCH_HEAP_PROFILE;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.enable");
  await session.post("HeapProfiler.startSampling", { samplingInterval: 65536, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
  return {
    async stop() {
      const { profile } = await session.post("HeapProfiler.stopSampling");
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/${name}.heapprofile`, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
