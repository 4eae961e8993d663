// "Use this sound": the soundtrack becomes a library sound, looped if shorter than the
// video and cut (with a short fade, so it does not end on a click) if longer. With
// keepOriginal the recording's own sound stays, mixed under the library sound (voice-over
// on a track): the recording at full level, the track a little lower so speech stays
// intelligible, and the sum scaled back so two loud inputs do not clip.
import { AUDIO_FORMAT } from "../probe/normalize.js";
import type { GraphBuilder, StreamState } from "./graph-builder.js";

const FADE_SEC = 0.3;

/** Levels of the mix: recording, track, and the gain applied to their sum. */
export const MIX = { original: 1, track: 0.7, sum: 0.75 } as const;

export function applySound(g: GraphBuilder, s: StreamState, sound: { path: string; offsetSec?: number; keepOriginal?: boolean }): StreamState {
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
  if (sound.keepOriginal) {
    // duration=first: the recording sets the length (the track is already cut to it).
    const mixed = g.chain(`${s.audio}${audio}`, [
      `amix=inputs=2:duration=first:dropout_transition=0:normalize=0:weights=${MIX.original} ${MIX.track}`,
      `volume=${MIX.sum}`,
      AUDIO_FORMAT,
    ], "amix");
    return { ...s, audio: mixed };
  }
  // The replaced soundtrack must still end somewhere: ffmpeg refuses dangling outputs.
  g.statements.push(`${s.audio}anullsink`);
  return { ...s, audio };
}
