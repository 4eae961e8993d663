// Projection lag, the metric the product's freshness targets are stated in (engagement
// counts visible < 5 s, interest state < 1 s…): for every event, the time from when the
// store recorded it to when the projection committed it. A bounded window of recent
// samples gives percentiles without unbounded memory.

export interface LagSnapshot {
  /** Samples in the window. */
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Lag of the newest committed event. */
  lastMs: number;
}

export class LagWindow {
  private readonly samples: Float64Array;
  private next = 0;
  private size = 0;
  private last = NaN;

  constructor(capacity = 10_000) {
    this.samples = new Float64Array(capacity);
  }

  record(lagMs: number): void {
    this.samples[this.next] = lagMs;
    this.next = (this.next + 1) % this.samples.length;
    this.size = Math.min(this.size + 1, this.samples.length);
    this.last = lagMs;
  }

  snapshot(): LagSnapshot {
    if (this.size === 0) return { count: 0, p50Ms: NaN, p99Ms: NaN, maxMs: NaN, lastMs: NaN };
    const sorted = this.samples.slice(0, this.size).sort();
    const at = (p: number) => sorted[Math.min(this.size - 1, Math.max(0, Math.ceil(p * this.size) - 1))]!;
    return { count: this.size, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[this.size - 1]!, lastMs: this.last };
  }
}
