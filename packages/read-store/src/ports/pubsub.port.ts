// Pub/sub: live notifications and feed updates pushed to whichever process holds the
// user's stream. Delivery is at most once, to subscribers connected at the time: a
// message is a nudge ("feed changed", "new like"), and the durable state is always in a
// read model the receiver can re-read.

export interface SubscribeOptions {
  /** Aborting ends the iteration and unsubscribes. */
  signal?: AbortSignal;
  /**
   * Messages buffered for a slow consumer (default 1000); beyond that the oldest are
   * dropped and counted in `dropped`, so a stuck consumer cannot exhaust memory.
   */
  bufferSize?: number;
}

/** Resolved once the engine confirmed the subscription: later publishes are received. */
export interface Subscription extends AsyncIterable<string> {
  readonly channel: string;
  /** Messages dropped because the consumer fell behind. */
  readonly dropped: number;
  close(): Promise<void>;
}

export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, options?: SubscribeOptions): Promise<Subscription>;
}
