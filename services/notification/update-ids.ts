// Update ids: every change to an inbox is named by the event-log position of the event
// that caused it, plus its index among the changes that event made to that inbox. They
// are increasing in log order, sortable as text (fixed-width digits), and the same after
// a rebuild, so a client's after_id stays meaningful. A notification's id is "n" + the
// update id of its creation.
import { ValidationError } from "@flick/kernel";

const CHECKPOINT = /^(\d{1,20})\/(\d{1,20})$/;
const UPDATE_ID = /^\d{20}-\d{20}-\d{2}$/;

export function updateIdOf(checkpoint: string, index = 0): string {
  const m = CHECKPOINT.exec(checkpoint);
  if (!m) throw new TypeError(`update ids need a "<n>/<n>" checkpoint, got ${JSON.stringify(checkpoint)}`);
  return `${m[1]!.padStart(20, "0")}-${m[2]!.padStart(20, "0")}-${String(index).padStart(2, "0")}`;
}

export const isUpdateId = (id: string) => UPDATE_ID.test(id);

export function checkUpdateId(id: string, field: string): string {
  if (!isUpdateId(id)) throw ValidationError.field(field, "not an update id of this inbox");
  return id;
}

/** The checkpoint an update id came from (for read-your-writes waits). */
export function checkpointOf(updateId: string): string {
  const [a, b] = updateId.split("-");
  return `${BigInt(a!)}/${BigInt(b!)}`;
}

export const notificationIdOf = (updateId: string) => `n${updateId}`;
