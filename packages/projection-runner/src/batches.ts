// Groups a stream of events into batches bounded by size and by time: a batch is handed
// on when it is full or when its first event has waited `maxDelayMs`, so a trickle of
// events is not held back waiting for a full batch (that wait would be projection lag).

const TIMEOUT = Symbol("timeout");

export async function* batched<T>(
  source: AsyncIterable<T>,
  options: { maxSize: number; maxDelayMs: number },
): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  // One next() is kept in flight across timeouts, so no event is requested twice or lost.
  let pending: Promise<IteratorResult<T>> | undefined;
  let batch: T[] = [];
  let deadline = 0;
  let finished = false;
  try {
    for (;;) {
      pending ??= it.next();
      const result = batch.length === 0 ? await pending : await raceDeadline(pending, deadline);
      if (result === TIMEOUT) {
        yield batch;
        batch = [];
        continue;
      }
      pending = undefined;
      if (result.done) {
        finished = true;
        if (batch.length > 0) yield batch;
        return;
      }
      if (batch.length === 0) deadline = Date.now() + options.maxDelayMs;
      batch.push(result.value);
      if (batch.length >= options.maxSize) {
        yield batch;
        batch = [];
      }
    }
  } finally {
    // With a next() still pending, return() would queue behind it: the caller ends the
    // source through its abort signal instead, so just let go here.
    if (!finished && pending === undefined) await it.return?.();
    else if (!finished) void pending?.then(() => it.return?.()).catch(() => undefined);
  }
}

async function raceDeadline<R>(pending: Promise<R>, deadline: number): Promise<R | typeof TIMEOUT> {
  const wait = deadline - Date.now();
  if (wait <= 0) return TIMEOUT;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([pending, new Promise<typeof TIMEOUT>((resolve) => (timer = setTimeout(resolve, wait, TIMEOUT)))]);
  } finally {
    clearTimeout(timer);
  }
}
