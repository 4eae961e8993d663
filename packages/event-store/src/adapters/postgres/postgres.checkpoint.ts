// A checkpoint is "<transaction_id>/<position>": the event's place in the global order
// (transaction_id, position). Callers treat it as opaque and compare with compareCheckpoints.

export interface SqlPosition {
  transactionId: bigint;
  position: bigint;
}

/** Before every event: a subscription without `after` starts here. */
export const START: SqlPosition = { transactionId: 0n, position: 0n };

const FORMAT = /^(\d{1,20})\/(\d{1,20})$/;

export function encodeCheckpoint(transactionId: bigint | string, position: bigint | string): string {
  return `${transactionId}/${position}`;
}

export function decodeCheckpoint(checkpoint: string): SqlPosition {
  const match = FORMAT.exec(checkpoint);
  if (!match) throw new TypeError(`not a checkpoint of a PostgreSQL event store: ${JSON.stringify(checkpoint)}`);
  return { transactionId: BigInt(match[1]!), position: BigInt(match[2]!) };
}

export function compareCheckpoints(a: string, b: string): number {
  const x = decodeCheckpoint(a);
  const y = decodeCheckpoint(b);
  if (x.transactionId !== y.transactionId) return x.transactionId < y.transactionId ? -1 : 1;
  if (x.position !== y.position) return x.position < y.position ? -1 : 1;
  return 0;
}
