// A checkpoint store for read models held in process memory: the For You model lives in
// each feed process (like the in-process ANN index) and is rebuilt from the log when the
// process starts, so its checkpoint is lost with it — by design, not by accident.
import type { CheckpointStore, Projection, Slot, StoredCheckpoint } from "@flick/projection-runner";
import { CheckpointConflictError } from "@flick/projection-runner";

export class MemoryCheckpoints implements CheckpointStore<void> {
  readonly capabilities = { atomicCheckpoint: true };
  private readonly slots = new Map<string, StoredCheckpoint>();

  async prepare(projection: Projection<void>, slot: Slot): Promise<void> {
    const key = `${projection.name}/${slot}`;
    if (!this.slots.has(key)) this.slots.set(key, { checkpoint: undefined, version: projection.version });
  }

  async load(projection: Projection<void>, slot: Slot): Promise<StoredCheckpoint | undefined> {
    return this.slots.get(`${projection.name}/${slot}`);
  }

  async commit(projection: Projection<void>, slot: Slot, from: string | undefined, to: string, work: () => Promise<void>): Promise<void> {
    const key = `${projection.name}/${slot}`;
    const current = this.slots.get(key);
    if (current?.checkpoint !== from) throw new CheckpointConflictError(projection.name, slot, from);
    await work();
    this.slots.set(key, { checkpoint: to, version: projection.version });
  }

  async promote(projection: Projection<void>): Promise<void> {
    const rebuilt = this.slots.get(`${projection.name}/rebuild`);
    if (rebuilt) this.slots.set(`${projection.name}/live`, rebuilt);
    this.slots.delete(`${projection.name}/rebuild`);
  }

  async discard(projection: Projection<void>, slot: Slot): Promise<void> {
    this.slots.delete(`${projection.name}/${slot}`);
  }
}
