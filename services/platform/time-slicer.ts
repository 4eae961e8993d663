// Long computations that share the event loop with the API (the trending scorer, the For
// You model's full refresh) call the slicer's pause() often — every few hundred items —
// and await it when it returns a promise: once `sliceMs` of work have passed since the
// last turn, it gives the event loop one (setImmediate), so pages wait at most a slice
// behind the computation instead of all of it (~100–350 ms at 100k videos).

/** A pause() that returns a promise to await when the slice is used up, else undefined (no await, no allocation). */
export type Pause = () => Promise<void> | undefined;

export function timeSlicer(sliceMs = 4): Pause {
  let since = performance.now();
  return () => {
    if (performance.now() - since < sliceMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        since = performance.now();
        resolve();
      }),
    );
  };
}
