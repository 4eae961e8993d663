// The ranking model: predicted watch-through as a logistic regression over a handful of
// features, its weights learnt online (SGD on log-loss) from every view event, so the
// balance between taste, general appeal, length and repetition is measured on this
// platform's viewers, not guessed.

export const FEATURES = ["bias", "taste", "appeal", "duration", "repetition", "creator", "age"] as const;
export type FeatureName = (typeof FEATURES)[number];
export type FeatureVector = Float64Array; // in FEATURES order

export interface FeatureInput {
  /** ⟨viewer taste, video vector⟩: the viewer model's personal estimate (logit units). */
  taste: number;
  /** Logit of the video's smoothed watch-through rate (creator's rate as its prior). */
  appeal: number;
  /** ln(duration / 20 s). */
  duration: number;
  /** Summed similarity to the last few videos the viewer saw (topic fatigue). */
  repetition: number;
  /** ln(1 + videos of this creator the viewer watched through), +1 if they follow them. */
  creator: number;
  /** ln(1 + age in days). */
  age: number;
}

export function features(x: FeatureInput): FeatureVector {
  return Float64Array.of(1, x.taste, x.appeal, x.duration, x.repetition, x.creator, x.age);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export class Ranker {
  /** Starting weights: sensible signs and sizes, refined by the first few thousand views. */
  readonly weights = Float64Array.of(0, 1, 1, -0.3, -0.3, 0.3, 0);
  updates = 0;

  constructor(private readonly learningRate = 0.01) {}

  logit(x: FeatureVector): number {
    let z = 0;
    for (let i = 0; i < x.length; i++) z += this.weights[i]! * x[i]!;
    return z;
  }

  predict(x: FeatureVector): number {
    return sigmoid(this.logit(x));
  }

  /** The prediction without the personal term: the baseline the viewer model learns against. */
  predictGeneral(x: FeatureVector): number {
    return sigmoid(this.logit(x) - this.weights[1]! * x[1]!);
  }

  /** One SGD step on a view's outcome (1 watched through, 0 not). */
  learn(x: FeatureVector, outcome: number): void {
    const g = outcome - this.predict(x);
    // A decaying step: fast at first, steady once thousands of views are in.
    const rate = Math.max(this.learningRate, 0.05 / Math.sqrt(1 + this.updates / 100));
    for (let i = 0; i < x.length; i++) this.weights[i]! += rate * g * x[i]!;
    this.updates++;
  }

  snapshot(): Record<FeatureName, number> {
    return Object.fromEntries(FEATURES.map((f, i) => [f, Number(this.weights[i]!.toFixed(3))])) as Record<FeatureName, number>;
  }
}
