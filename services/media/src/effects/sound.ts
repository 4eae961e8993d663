// "Use this sound": the soundtrack becomes a library sound, looped if shorter than the
// video and cut (with a short fade, so it does not end on a click) if longer.
import { AUDIO_FORMAT } from "../probe/normalize.js";
import type { GraphBuilder, StreamState } from "./graph-builder.js";

const FADE_SEC = 0.3;

export function applySound(g: GraphBuilder, s: StreamState, sound: { path: string; offsetSec?: number }): StreamState {
  const before = ["-stream_loop", "-1"];
  if (sound.offsetSec) before.push("-ss", sound.offsetSec.toFixed(3));
  const i = g.addInput([...before, "-i", sound.path]);
  const d = s.durationSec;
  const audio = g.chain(`[${i}:a:0]`, [
    AUDIO_FORMAT,
    `atrim=duration=${d.toFixed(3)}`,
    "asetpts=PTS-STARTPTS",
    `afade=t=out:st=${Math.max(0, d - FADE_SEC).toFixed(3)}:d=${FADE_SEC}`,
  ], "asnd");
  // The replaced soundtrack must still end somewhere: ffmpeg refuses dangling outputs.
  g.statements.push(`${s.audio}anullsink`);
  return { ...s, audio };
}
