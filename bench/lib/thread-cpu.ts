// CPU time of this process's main thread alone, from Linux's per-thread accounting: the
// process's figure (process.cpuUsage) also counts worker threads — a benchmark's load
// client, GC helpers — and the main thread's is what a server's event loop must fit in.
// Undefined where /proc is not there. Resolution: one clock tick (10 ms).
import { readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on every Linux Node supports

export function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state is the 3rd field, utime the 14th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}
