// Content vectors learnt from the catalogue itself, no labels: tokens that appear
// together on videos (a topic's hashtags, its caption words, its creators and sounds)
// end up pointing the same way. Each token's embedding is a random projection of its
// row of the positive pointwise mutual information (PPMI) matrix — random indexing with
// PPMI weights, so words that go with everything (filler, the most popular sounds) carry
// little. A video's content vector is the IDF-weighted sum of its tokens' embeddings.
//
// Counting is incremental (one call per published video); embeddings are recomputed by
// refresh(), which the model runs periodically (cost: pairs × DIM, ~50 ms at 20,000
// videos).
import type { Token } from "./tokens.js";
import { addScaled, DIM, normalize, randomVector, zeros } from "./vectors.js";

export class ContentEmbedding {
  private docs = 0;
  private readonly df = new Map<string, number>();
  private readonly cooc = new Map<string, Map<string, number>>();
  private readonly random = new Map<string, Float32Array>();
  private embedded = new Map<string, Float32Array>();

  /** Videos counted so far. */
  get size(): number {
    return this.docs;
  }

  private rand(t: string): Float32Array {
    let r = this.random.get(t);
    if (!r) this.random.set(t, (r = randomVector(t)));
    return r;
  }

  /** Counts one video's tokens (call once per video; `forget` undoes it). */
  add(tokens: readonly Token[]): void {
    this.count(tokens, 1);
  }

  forget(tokens: readonly Token[]): void {
    this.count(tokens, -1);
  }

  private count(tokens: readonly Token[], by: 1 | -1): void {
    this.docs += by;
    for (const a of tokens) {
      this.df.set(a.token, (this.df.get(a.token) ?? 0) + by);
      let row = this.cooc.get(a.token);
      if (!row) this.cooc.set(a.token, (row = new Map()));
      for (const b of tokens) if (b.token !== a.token) row.set(b.token, (row.get(b.token) ?? 0) + by);
    }
  }

  /** Recomputes every token's embedding from the counts so far. */
  refresh(): void {
    const next = new Map<string, Float32Array>();
    for (const t of this.cooc.keys()) {
      const e = this.embedToken(t);
      if (e) next.set(t, e);
    }
    this.embedded = next;
  }

  /**
   * Recomputes these tokens' embeddings only (a new video's): its vector is then close to
   * what the next full refresh will give, instead of a random guess until then.
   */
  refreshTokens(tokens: readonly Token[]): void {
    for (const { token } of tokens) {
      // A token seen on many videos has a settled embedding: one more changes it little,
      // and recomputing it costs its whole co-occurrence row.
      if ((this.df.get(token) ?? 0) > 30 && this.embedded.has(token)) continue;
      const e = this.embedToken(token);
      if (e) this.embedded.set(token, e);
    }
  }

  private embedToken(t: string): Float32Array | undefined {
    const row = this.cooc.get(t);
    const dft = this.df.get(t) ?? 0;
    if (!row || dft <= 0) return undefined;
    const N = Math.max(1, this.docs);
    const e = zeros();
    // The token's own direction keeps rare tokens distinct until they have company.
    addScaled(e, this.rand(t), 1);
    for (const [u, n] of row) {
      if (n <= 0) continue;
      const pmi = Math.log((n * N) / (dft * (this.df.get(u) ?? 1)));
      if (pmi > 0) addScaled(e, this.rand(u), pmi);
    }
    return normalize(e);
  }

  private idf(t: string): number {
    return Math.log(1 + Math.max(1, this.docs) / Math.max(1, this.df.get(t) ?? 1));
  }

  /** The content vector of a video (length 1). */
  embed(tokens: readonly Token[]): Float32Array {
    const v = zeros();
    for (const { token, weight } of tokens) addScaled(v, this.embedded.get(token) ?? this.rand(token), weight * this.idf(token));
    return normalize(v);
  }
}

export { DIM };
