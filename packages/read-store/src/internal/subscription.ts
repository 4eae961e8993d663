// Turns an engine's callback-style listener into the port's Subscription: a bounded
// AsyncIterable that ends on close(), on the caller's AbortSignal, or when iteration stops.

import type { SubscribeOptions, Subscription } from "../ports/pubsub.port.js";
import { AsyncQueue } from "./async-queue.js";

/** Registers `deliver` with the engine and resolves, once confirmed, to an unregister function. */
export type Attach = (deliver: (message: string) => void) => Promise<() => Promise<void>>;

export async function openSubscription(channel: string, options: SubscribeOptions, attach: Attach): Promise<Subscription> {
  let detach: (() => Promise<void>) | undefined;
  const queue = new AsyncQueue<string>(options.bufferSize ?? 1000, async () => {
    options.signal?.removeEventListener("abort", onAbort);
    await detach?.();
  });
  const onAbort = () => void queue.end();
  if (options.signal?.aborted) {
    await queue.end();
  } else {
    detach = await attach((message) => queue.push(message));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    // Aborted while the engine confirmed: undo at once.
    if (options.signal?.aborted) await queue.end();
  }
  return {
    channel,
    get dropped() {
      return queue.dropped;
    },
    close: () => queue.end(),
    [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
  };
}

/** Checks the arguments every adapter's publish shares. */
export function checkChannel(channel: string): void {
  if (typeof channel !== "string" || channel.length === 0) throw new TypeError("pub/sub channel must be a non-empty string");
}
