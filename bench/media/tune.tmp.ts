// scratch: time the bare ladder with a preset map (not committed)
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { defaultLimits, ladderCommand, previewCommand, validateSource } from "@flick/media";
import { bareFfmpeg, cpuSecondsOfChildren, RssSampler } from "./measure.js";
const [input, what, presetStr, threads] = process.argv.slice(2);
const presets: Record<number, string> = {};
for (const p of (presetStr ?? "").split(",").filter(Boolean)) { const [k, v] = p.split("="); presets[Number(k)] = v!; }
const v = await validateSource(input!, { ...defaultLimits, maxBytes: 1e10 });
const source = { path: input!, info: v.info, durationSec: v.info.durationSec };
const out = "/tmp/flick-tune";
await rm(out, { recursive: true, force: true });
const cmd = what === "preview" ? previewCommand(source, {}, {}, out) : ladderCommand(source, {}, {}, out, { presets, threads: Number(threads ?? 0) });
const dirs = "rungs" in cmd ? [...cmd.rungs.map((r) => r.dir), cmd.audioDir] : [cmd.dir];
for (const d of dirs) await mkdir(d, { recursive: true });
const extra = process.env.EXTRA ? process.env.EXTRA.split(" ") : [];
const s = new RssSampler(); const c0 = cpuSecondsOfChildren(); const t0 = performance.now();
await bareFfmpeg([...extra, ...cmd.args]);
s.stop();
console.log(JSON.stringify({ what, presetStr, threads, extra: process.env.EXTRA, wall: +((performance.now() - t0) / 1000).toFixed(2), cpu: +(cpuSecondsOfChildren() - c0).toFixed(1), rssMb: Math.round(s.peakMb()) }));
