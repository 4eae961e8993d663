// Duet: the upload on the left, the original on the right at the same height, for the
// upload's length (the original is cut, or holds its last frame if shorter). Both
// soundtracks are mixed; the limiter keeps two loud tracks from clipping.
import { fitInside, type FrameRate } from "../probe/normalize.js";
import type { MediaInfo } from "../probe/probe.js";
import type { GraphBuilder, StreamState } from "./graph-builder.js";
import { addVideoInput } from "./inputs.js";

export function applyDuet(g: GraphBuilder, s: StreamState, sourcePath: string, source: MediaInfo, fps: FrameRate): StreamState {
  const v = source.video!;
  const size = fitInside(v.displayWidth, v.displayHeight, 1e6, s.height, true);
  const d = s.durationSec.toFixed(3);
  const src = addVideoInput(g, sourcePath, source, fps, { size, durationSec: s.durationSec });
  const sv = g.chain(src.video, [`tpad=stop_mode=clone:stop_duration=${d}`, `trim=duration=${d}`, "setpts=PTS-STARTPTS"], "dsv");
  const sa = g.chain(src.audio, [`apad=whole_dur=${d}`, `atrim=duration=${d}`, "asetpts=PTS-STARTPTS"], "dsa");
  const video = g.chain([s.video, sv], ["hstack=inputs=2"], "vduet");
  const audio = g.chain([s.audio, sa], ["amix=inputs=2:duration=first:dropout_transition=0:normalize=0", "alimiter=limit=0.95"], "aduet");
  return { ...s, video, audio, width: s.width + size.w };
}
