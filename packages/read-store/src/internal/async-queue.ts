// A bounded push-to-pull queue: engine callbacks push messages, a `for await` loop pulls
// them. When the consumer falls behind, the oldest messages are dropped (and counted) so a
// stuck consumer cannot hold unbounded memory; pub/sub is at-most-once anyway.

export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;
  dropped = 0;

  constructor(private readonly capacity: number, private readonly onEnd: () => Promise<void> | void = () => undefined) {}

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (this.items.length > this.capacity) {
      this.items.shift();
      this.dropped++;
    }
  }

  /** Ends the iteration: buffered items are discarded and the source is released. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.items.length = 0;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
    await this.onEnd();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
      return: async () => {
        await this.end();
        return { value: undefined, done: true };
      },
    };
  }
}
