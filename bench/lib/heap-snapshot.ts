// BENCH_HEAP_SNAPSHOT=dir: at a benchmark's checkpoint (after its set-up, before its
// measured windows), what the major GC has to mark: three full GCs timed, wall and CPU
// (atomic mark-compact of the whole heap: the cost the incremental marking spreads over
// the window), the old generation's size after them, and a .heapsnapshot of this
// thread for DevTools or a script. Nothing without the variable (a snapshot of a 2 GB
// process takes a minute and pauses it).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString, writeHeapSnapshot } from "node:v8";
import { runInNewContext } from "node:vm";

export function heapCheckpoint(name: string, log: (s: string) => void): void {
  const dir = process.env.BENCH_HEAP_SNAPSHOT;
  if (!dir) return;
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  // Wall time and the process's CPU time (main thread and GC helpers: the load client's
  // worker is idle between phases), which another process on the machine inflates less.
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    gc();
    const used = process.cpuUsage(cpu);
    ms.push(performance.now() - t);
    cpuMs.push((used.user + used.system) / 1000);
  }
  const mb = (n: number) => (n / 1048576).toFixed(1);
  const spaces = getHeapSpaceStatistics()
    .filter((s) => s.space_used_size > 1048576)
    .map((s) => `${s.space_name} ${mb(s.space_used_size)}`)
    .join(", ");
  log(`heap at ${name}: full GC ${ms.map((m) => m.toFixed(0)).join(" / ")} ms (CPU ${cpuMs.map((m) => m.toFixed(0)).join(" / ")} ms); used ${mb(getHeapStatistics().used_heap_size)} MB (${spaces})`);
  mkdirSync(dir, { recursive: true });
  const file = writeHeapSnapshot(join(dir, `${name}.heapsnapshot`));
  log(`heap snapshot: ${file}`);
}
