// Named colour filters. Each is a short chain of cheap per-pixel filters; eq works on YUV
// directly, colorchannelmixer/curves make ffmpeg convert to RGB for them (still cheap at
// the working size, and they run once, before the ladder's split).
export const COLOR_FILTERS = {
  /** Punchier colour and a touch more contrast. */
  vivid: ["eq=saturation=1.35:contrast=1.06"],
  /** Black and white. */
  mono: ["eq=saturation=0"],
  /** Golden: more red, less blue. */
  warm: ["colorchannelmixer=rr=1.08:gg=1.0:bb=0.88"],
  /** Blue hour: less red, more blue. */
  cool: ["colorchannelmixer=rr=0.9:gg=1.0:bb=1.1"],
  /** Faded film: the vintage curve, slightly washed out. */
  vintage: ["curves=preset=vintage", "eq=saturation=0.85"],
  /** Faded: contrast and colour pulled in, blacks lifted (matte look). */
  fade: ["eq=contrast=0.78:saturation=0.65:brightness=0.05"],
} as const satisfies Record<string, readonly string[]>;

export type ColorFilterName = keyof typeof COLOR_FILTERS;
