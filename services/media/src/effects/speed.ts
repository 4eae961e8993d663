// Speed change keeping picture and sound in sync: setpts rescales video time, atempo
// rescales audio time without changing pitch. atempo is cleanest within 0.5–2, so larger
// factors are a chain (3× = 2× then 1.5×), as ffmpeg's documentation recommends.
import type { GraphBuilder, StreamState } from "./graph-builder.js";

export function atempoChain(speed: number): string[] {
  const out: string[] = [];
  let left = speed;
  while (left > 2) {
    out.push("atempo=2");
    left /= 2;
  }
  while (left < 0.5) {
    out.push("atempo=0.5");
    left /= 0.5;
  }
  if (Math.abs(left - 1) > 1e-9 || out.length === 0) out.push(`atempo=${+left.toFixed(6)}`);
  return out;
}

export function applySpeed(g: GraphBuilder, s: StreamState, speed: number): StreamState {
  if (speed === 1) return s;
  const video = g.chain(s.video, [`setpts=(PTS-STARTPTS)/${speed}`], "vspd");
  const audio = g.chain(s.audio, atempoChain(speed), "aspd");
  return { ...s, video, audio, durationSec: s.durationSec / speed };
}
