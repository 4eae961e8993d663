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
import type { TokenList } from "./tokens.js";
import { addScaled, DIM, normalize, randomVector, zeros } from "./vectors.js";

export class ContentEmbedding {
  private docs = 0;
  /**
   * The vocabulary: each token's id, in order of first sight, and its per-token state in
   * arrays by id. Keyed by strings, the co-occurrence rows kept a string per entry's key
   * alive and every video its own copies of its tokens' strings.
   */
  private readonly ids = new Map<string, number>();
  private readonly tokens: string[] = [];
  private readonly df: number[] = [];
  private readonly cooc: (Map<number, number> | undefined)[] = [];
  private readonly random: (Float32Array | undefined)[] = [];
  private embedded: (Float32Array | undefined)[] = [];

  /** Videos counted so far. */
  get size(): number {
    return this.docs;
  }

  /** The token's vocabulary id (a new one for a token not seen before). */
  readonly id = (token: string): number => {
    let t = this.ids.get(token);
    if (t === undefined) {
      t = this.tokens.length;
      this.ids.set(token, t);
      this.tokens.push(token);
      this.df.push(0);
    }
    return t;
  };

  private rand(t: number): Float32Array {
    return (this.random[t] ??= randomVector(this.tokens[t]!));
  }

  /** Counts one video's tokens (call once per video; `forget` undoes it). */
  add(tokens: TokenList): void {
    this.count(tokens, 1);
  }

  forget(tokens: TokenList): void {
    this.count(tokens, -1);
  }

  private count(tokens: TokenList, by: 1 | -1): void {
    this.docs += by;
    for (let i = 0; i < tokens.length; i += 2) {
      const a = tokens[i]!;
      this.df[a]! += by;
      const row = (this.cooc[a] ??= new Map());
      for (let j = 0; j < tokens.length; j += 2) {
        const b = tokens[j]!;
        if (b !== a) row.set(b, (row.get(b) ?? 0) + by);
      }
    }
  }

  /** Recomputes every token's embedding from the counts so far. */
  refresh(): void {
    for (const _ of this.refreshSteps()) {
      // to the end, at once
    }
  }

  /** refresh() in steps (a token's row can be thousands of pairs); tokens added meanwhile are included. */
  *refreshSteps(): Generator<void, void, void> {
    const next: (Float32Array | undefined)[] = [];
    for (let t = 0; t < this.tokens.length; t++) {
      next.push(this.embedToken(t));
      if ((t & 31) === 31) yield;
    }
    this.embedded = next;
  }

  /**
   * Recomputes these tokens' embeddings only (a new video's): its vector is then close to
   * what the next full refresh will give, instead of a random guess until then.
   */
  refreshTokens(tokens: TokenList): void {
    for (let i = 0; i < tokens.length; i += 2) {
      const t = tokens[i]!;
      // A token seen on many videos has a settled embedding: one more changes it little,
      // and recomputing it costs its whole co-occurrence row.
      if (this.df[t]! > 30 && this.embedded[t]) continue;
      const e = this.embedToken(t);
      if (e) this.embedded[t] = e;
    }
  }

  private embedToken(t: number): Float32Array | undefined {
    const row = this.cooc[t];
    const dft = this.df[t]!;
    if (!row || dft <= 0) return undefined;
    const N = Math.max(1, this.docs);
    const e = zeros();
    // The token's own direction keeps rare tokens distinct until they have company.
    addScaled(e, this.rand(t), 1);
    for (const [u, n] of row) {
      if (n <= 0) continue;
      const pmi = Math.log((n * N) / (dft * this.df[u]!));
      if (pmi > 0) addScaled(e, this.rand(u), pmi);
    }
    return normalize(e);
  }

  private idf(t: number): number {
    return Math.log(1 + Math.max(1, this.docs) / Math.max(1, this.df[t]!));
  }

  /** The content vector of a video (length 1). */
  embed(tokens: TokenList): Float32Array {
    return this.embedInto(tokens, zeros());
  }

  /** embed() into `out` (DIM long, overwritten); returns it. */
  embedInto(tokens: TokenList, out: Float32Array): Float32Array {
    out.fill(0);
    for (let i = 0; i < tokens.length; i += 2) {
      const t = tokens[i]!;
      addScaled(out, this.embedded[t] ?? this.rand(t), tokens[i + 1]! * this.idf(t));
    }
    return normalize(out);
  }
}

export { DIM };
