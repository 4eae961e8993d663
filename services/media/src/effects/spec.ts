// What an uploader can ask for, checked before any work starts.
import { MediaRejectedError } from "../probe/errors.js";
import type { MediaInfo } from "../probe/probe.js";
import { COLOR_FILTERS, type ColorFilterName } from "./color.js";

export const SPEEDS = [0.5, 1, 2, 3] as const;
export type Speed = (typeof SPEEDS)[number];

/** Longest piece of someone else's video a stitch may borrow. */
export const MAX_STITCH_CLIP_SEC = 5;

export interface EffectsSpec {
  speed?: Speed;
  color?: ColorFilterName;
  /** Key out the (green) background of the upload and put this picture (or video) behind. */
  greenScreen?: { background: string; color?: string; similarity?: number; blend?: number };
  /** Side by side with an existing video (the upload on the left), both soundtracks mixed. */
  duet?: { source: string };
  /** A ≤ 5 s range of an existing video, then the upload. */
  stitch?: { source: string; clipStartSec: number; clipEndSec: number };
  /**
   * Replace the soundtrack with a library sound, looped or cut to the video's length; or,
   * with keepOriginal, mix the recording's own sound under it.
   */
  sound?: { path: string; offsetSec?: number; keepOriginal?: boolean };
}

/** Probes of the files an effect brings in, fetched once by the caller. */
export interface EffectAssets {
  background?: MediaInfo;
  duetSource?: MediaInfo;
  stitchSource?: MediaInfo;
  sound?: MediaInfo;
}

export function hasEffects(spec: EffectsSpec | undefined): boolean {
  if (!spec) return false;
  return (spec.speed !== undefined && spec.speed !== 1) || !!spec.color || !!spec.greenScreen || !!spec.duet || !!spec.stitch || !!spec.sound;
}

function invalid(msg: string): MediaRejectedError {
  return new MediaRejectedError("INVALID_EFFECT", msg);
}

export function validateEffects(spec: EffectsSpec, assets: EffectAssets): void {
  if (spec.speed !== undefined && !SPEEDS.includes(spec.speed)) {
    throw invalid(`Speed ${spec.speed}× is not available; choose one of ${SPEEDS.join(", ")}.`);
  }
  if (spec.color !== undefined && !(spec.color in COLOR_FILTERS)) {
    throw invalid(`Unknown filter "${spec.color}"; choose one of ${Object.keys(COLOR_FILTERS).join(", ")}.`);
  }
  if (spec.duet && spec.stitch) throw invalid("A video can be a duet or a stitch, not both.");
  if (spec.duet && spec.sound) throw invalid("A duet keeps the original sound; choose a sound or a duet, not both.");
  if (spec.greenScreen) {
    if (!assets.background?.video) throw invalid("The green screen background is not a picture or a video.");
    const sim = spec.greenScreen.similarity ?? 0.15;
    const blend = spec.greenScreen.blend ?? 0.05;
    if (!(sim > 0 && sim <= 1) || !(blend >= 0 && blend <= 1)) throw invalid("Green screen similarity and blend must be between 0 and 1.");
    if (spec.greenScreen.color !== undefined && !/^(0x|#)?[0-9a-fA-F]{6}$/.test(spec.greenScreen.color)) {
      throw invalid(`Key colour "${spec.greenScreen.color}" is not a hex RGB colour.`);
    }
  }
  if (spec.duet && !assets.duetSource?.video) throw invalid("The video to duet with cannot be read.");
  if (spec.stitch) {
    const src = assets.stitchSource;
    if (!src?.video) throw invalid("The video to stitch cannot be read.");
    const { clipStartSec: a, clipEndSec: b } = spec.stitch;
    const dur = src.durationSec ?? src.video.durationSec ?? 0;
    if (!(a >= 0) || !(b > a)) throw invalid("The stitched clip must end after it starts.");
    if (b - a > MAX_STITCH_CLIP_SEC + 1e-6) throw invalid(`A stitch can borrow at most ${MAX_STITCH_CLIP_SEC} s (asked for ${(b - a).toFixed(1)} s).`);
    if (b > dur + 0.05) throw invalid(`The stitched clip ends at ${b} s but the video is ${dur.toFixed(1)} s long.`);
  }
  if (spec.sound) {
    if (!assets.sound?.audio) throw invalid("The chosen sound has no audio.");
    const off = spec.sound.offsetSec ?? 0;
    const dur = assets.sound.durationSec ?? 0;
    if (!(off >= 0) || (dur > 0 && off >= dur)) throw invalid("The sound's start point is outside the sound.");
  }
}
