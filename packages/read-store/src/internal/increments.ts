// One rule for increments on every engine, so a bad value fails the same way everywhere
// (Redis would reject NaN, PostgreSQL would store it, Cassandra would write a NaN score).

export function checkIncrement(by: number): number {
  if (!Number.isFinite(by)) throw new RangeError(`increment must be a finite number, got ${by}`);
  return by;
}

/** Counters count whole events. */
export function checkCounterIncrement(by: number): number {
  checkIncrement(by);
  if (!Number.isSafeInteger(by)) throw new RangeError(`counter increments are integers, got ${by}`);
  return by;
}
