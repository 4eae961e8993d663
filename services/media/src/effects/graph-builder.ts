// A tiny builder for -filter_complex graphs: numbered inputs, fresh labels, and the state
// of "the picture and sound so far" that each effect stage transforms.

export interface StreamState {
  /** Label of the current video, e.g. "[v3]". */
  video: string;
  /** Label of the current audio. */
  audio: string;
  width: number;
  height: number;
  durationSec: number;
}

export class GraphBuilder {
  readonly inputs: string[][] = [];
  readonly statements: string[] = [];
  private next = 0;

  /** Adds an input (its options then `-i path`) and returns its index for "[i:v]". */
  addInput(args: string[]): number {
    this.inputs.push(args);
    return this.inputs.length - 1;
  }

  label(prefix: string): string {
    return `[${prefix}${this.next++}]`;
  }

  /** Adds "[in…]f1,f2[out]" and returns the out label. */
  chain(from: string | string[], filters: string[], outPrefix: string): string {
    const out = this.label(outPrefix);
    const ins = Array.isArray(from) ? from.join("") : from;
    this.statements.push(`${ins}${filters.join(",")}${out}`);
    return out;
  }

  /** Like chain, for a filter with several outputs (split, concat with v+a). */
  multi(from: string | string[], filter: string, outPrefixes: string[]): string[] {
    const outs = outPrefixes.map((p) => this.label(p));
    const ins = Array.isArray(from) ? from.join("") : from;
    this.statements.push(`${ins}${filter}${outs.join("")}`);
    return outs;
  }

  /** The -filter_complex value. */
  filterComplex(): string {
    return this.statements.join(";");
  }

  /** All input arguments, in order. */
  inputArgs(): string[] {
    return this.inputs.flat();
  }
}
