// One reader of the activity log per process, shared by every live stream the process
// holds: it wakes on a pub/sub nudge (published by the projection, on whichever process
// runs it) or every pollMs in case a nudge was lost, reads the rows after its position,
// and hands them to each attached stream, which filters them by its viewer's follows.
// So N streams cost one subscription and one read per change, not N.
import type { PubSub, Subscription } from "@flick/read-store";
import type { ReadModel } from "../../../platform/platform.js";
import { activityTable, bucketOf, type ActivityRow } from "../projections/following-activity.projection.js";

/**
 * A point in the activity log: every row after `updateId` is filed in bucket `bucket - 1`
 * or later (the one bucket of slack covers a projection batch in flight across a bucket
 * boundary, and clock skew between projector processes).
 */
export interface LogPosition {
  updateId: string;
  bucket: number;
}

export type ActivityListener = (rows: ActivityRow[]) => void;

export interface ActivityTailOptions {
  model: ReadModel;
  pubsub: PubSub;
  channel: string;
  pollMs: number;
  clock: () => Date;
}

/** Rows after `from` up to `to` (inclusive; the log's end when absent), in log order, once each. */
export async function readActivity(model: ReadModel, from: LogPosition, lastBucket: number, to?: string): Promise<ActivityRow[]> {
  const table = (await model.store()).table(activityTable);
  const rows = new Map<string, ActivityRow>();
  for (let bucket = from.bucket - 1; bucket <= lastBucket; bucket++) {
    let cursor: string | undefined;
    do {
      const page = await table.scan({ bucket }, { limit: 500, cursor, range: from.updateId ? { gt: from.updateId } : undefined });
      for (const r of page.rows) if (!to || r.update_id <= to) rows.set(r.update_id, r);
      cursor = page.rows.length === 500 ? page.cursor : undefined;
    } while (cursor);
  }
  return [...rows.values()].sort((a, b) => (a.update_id < b.update_id ? -1 : 1));
}

export class ActivityTail {
  private readonly listeners = new Set<ActivityListener>();
  private position: LogPosition = { updateId: "", bucket: 0 };
  private started: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private nudged = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: ActivityTailOptions) {}

  /** Where the tail is: every row up to here has been handed to the attached streams. */
  current(): LogPosition {
    return { ...this.position };
  }

  /**
   * Attaches a stream: it receives every row after the returned position. Synchronous
   * after the first start, so no row falls between the position and the first hand-over.
   */
  async attach(listener: ActivityListener): Promise<{ position: LogPosition; detach(): void }> {
    await (this.started ??= this.start());
    this.listeners.add(listener);
    return { position: this.current(), detach: () => void this.listeners.delete(listener) };
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    await this.loop;
    await this.subscription?.close().catch(() => undefined);
  }

  private async start(): Promise<void> {
    const { pubsub, channel, clock } = this.options;
    // Subscribed before the position is read: a row logged in between is nudged.
    this.subscription = await pubsub.subscribe(channel, { signal: this.stopping.signal, bufferSize: 16 });
    // The position is always one the log has reached (never the event store's head, which
    // the projection may not have logged yet): every row up to it is readable, so a
    // resuming stream can read up to it and take the rest from the tail. Rows filed before
    // the previous bucket are older than anything after the newest row of the last two.
    const now = bucketOf(clock().getTime());
    const recent = await readActivity(this.options.model, { updateId: "", bucket: now }, now);
    this.position = { updateId: recent.at(-1)?.update_id ?? "", bucket: now };
    const subscription = this.subscription;
    void (async () => {
      try {
        for await (const _ of subscription) this.nudge();
      } catch {
        // the subscription ended: the poll keeps the tail going
      }
    })();
    this.loop = this.run();
  }

  private nudge() {
    this.nudged = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      this.nudged = false;
      try {
        await this.poll();
      } catch (e) {
        if (!signal.aborted) console.error("following activity tail:", e);
      }
      if (!this.nudged) await this.sleep(this.options.pollMs);
    }
  }

  private async poll(): Promise<void> {
    const startedAt = bucketOf(this.options.clock().getTime());
    const rows = await readActivity(this.options.model, this.position, startedAt);
    const fresh = rows.filter((r) => r.update_id > this.position.updateId);
    const last = fresh.at(-1);
    // Rows not visible when this read started were written after it began: in its bucket or later.
    this.position = { updateId: last ? last.update_id : this.position.updateId, bucket: Math.max(this.position.bucket, startedAt) };
    if (fresh.length === 0) return;
    for (const listener of this.listeners) listener(fresh);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
