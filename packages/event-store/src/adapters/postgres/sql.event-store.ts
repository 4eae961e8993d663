import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventStoreCapabilities,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
} from "../../event-store.port.js";
import { Doorbell, sleep } from "../../internal/doorbell.js";
import { GroupCommitter, type GroupCommitOptions, type Outcome } from "../../internal/group-commit.js";
import { validateAppend } from "../../internal/validate-append.js";
import { START, compareCheckpoints, decodeCheckpoint, encodeCheckpoint, type SqlPosition } from "./postgres.checkpoint.js";
import { queries, type Queries } from "./postgres.queries.js";
import { toAppendJson, toRecordedEvent } from "./postgres.rows.js";
import { migrate, schemaNames, type SchemaNames } from "./postgres.schema.js";
import type { Row, SqlDriver } from "./sql-driver.js";
import { CoalescedReads } from "../../internal/coalesced-reads.js";

interface StreamRead {
  stream: string;
  from: bigint;
  maxCount: number | undefined;
}

// The event store over the PostgreSQL family (a server through `pg`, or PGlite in-process):
// same schema, same SQL, same group commit; only the SqlDriver differs.

export interface SqlEventStoreOptions {
  name: string;
  driver: SqlDriver;
  /** PostgreSQL schema holding the store's tables. */
  schema: string;
  /** Group commit settings, or false for one transaction per append (for comparison). */
  groupCommit: GroupCommitOptions | false;
  /** Backstop poll of live subscriptions; wake-ups normally come sooner. */
  pollIntervalMs: number;
  /** Runs after the driver is closed (e.g. to release a data-directory lock). */
  onClosed?: () => Promise<void>;
  testHooks?: SqlEventStoreTestHooks;
}

export interface SqlEventStoreTestHooks {
  /**
   * Milliseconds to hold each append transaction open after its rows are written, before
   * COMMIT: widens the window in which a later transaction commits first (the commit gap).
   */
  delayInTransactionMs?: () => number;
}

interface PendingAppend {
  stream: string;
  expected: ExpectedRevision;
  json: ReturnType<typeof toAppendJson>;
}

const DEFAULT_BATCH = 500;
const MAX_BATCH = 10_000;
const MAX_RETRY_DELAY_MS = 5_000;

export class SqlEventStore implements EventStore {
  readonly name: string;
  readonly capabilities: EventStoreCapabilities;
  readonly #driver: SqlDriver;
  readonly #names: SchemaNames;
  readonly #sql: Queries;
  readonly #committer: GroupCommitter<PendingAppend, AppendResult>;
  readonly #streamReads = new CoalescedReads<StreamRead, RecordedEvent[]>((reads) => this.#readStreams(reads));
  readonly #doorbell = new Doorbell();
  readonly #closing = new AbortController();
  readonly #options: SqlEventStoreOptions;
  #stopListening: Promise<(() => Promise<void>) | undefined> | undefined;
  #closed: Promise<void> | undefined;

  /** Migrates the schema, then returns a ready store. */
  static async open(options: SqlEventStoreOptions): Promise<SqlEventStore> {
    const names = schemaNames(options.schema);
    await migrate(options.driver, names);
    return new SqlEventStore(options, names);
  }

  private constructor(options: SqlEventStoreOptions, names: SchemaNames) {
    this.#options = options;
    this.name = options.name;
    this.#driver = options.driver;
    this.#names = names;
    this.#sql = queries(names);
    this.capabilities = { exactIdempotency: true, groupCommit: options.groupCommit !== false };
    this.#committer = new GroupCommitter(
      (group) => this.#commitGroup(group),
      options.groupCommit || { maxGroupSize: 1, maxConcurrentGroups: this.#driver.maxConnections },
    );
  }

  async append(stream: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const valid = validateAppend(stream, events, expected);
    const json = toAppendJson(stream, typeof expected === "bigint" ? expected.toString() : expected, valid);
    return this.#committer.submit({ stream, expected, json });
  }

  /**
   * Reads arriving in the same turn of the event loop go out as one statement: on a busy
   * server a command reads several small streams (its own, the video's, the block pair's)
   * and each round trip costs the process more than the read itself.
   */
  async readStream(stream: string, options: { fromRevision?: bigint; maxCount?: number } = {}): Promise<RecordedEvent[]> {
    return this.#streamReads.load({ stream, from: options.fromRevision ?? 0n, maxCount: options.maxCount });
  }

  async #readStreams(reads: StreamRead[]): Promise<RecordedEvent[][]> {
    if (reads.length === 1) {
      const [{ stream, from, maxCount }] = reads as [StreamRead];
      return [(await this.#query(this.#sql.readStream, [stream, from.toString(), maxCount ?? null])).map(toRecordedEvent)];
    }
    const rows = await this.#query(this.#sql.readStreams, [
      reads.map((r) => r.stream),
      reads.map((r) => r.from.toString()),
      reads.map((r) => (r.maxCount === undefined ? null : String(r.maxCount))),
    ]);
    const out = reads.map((): RecordedEvent[] => []);
    for (const row of rows) out[Number(row.idx) - 1]!.push(toRecordedEvent(row));
    return out;
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    // Decoded here so a bad checkpoint fails the call, not the first iteration.
    const start = options.after === undefined ? START : decodeCheckpoint(options.after);
    return this.#scan(start, options);
  }

  compareCheckpoints(a: string, b: string): number {
    return compareCheckpoints(a, b);
  }

  async headCheckpoint(): Promise<string | undefined> {
    const [row] = await this.#query(this.#sql.head, []);
    return row ? encodeCheckpoint(row.tx as string, row.pos as string) : undefined;
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing.abort();
      await this.#committer.close();
      const stop = await this.#stopListening;
      await stop?.();
      await this.#driver.close();
      await this.#options.onClosed?.();
    })();
    return this.#closed;
  }

  async #query(text: string, params: unknown[]): Promise<Row[]> {
    if (this.#closing.signal.aborted) throw new Error(`${this.name} event store is closed`);
    try {
      return await this.#driver.query(text, params);
    } catch (error) {
      throw this.#unavailable(error) ?? error;
    }
  }

  #unavailable(error: unknown): EventStoreUnavailableError | undefined {
    if (!this.#driver.isConnectionError(error)) return undefined;
    const reason = error instanceof Error ? error.message : String(error);
    return new EventStoreUnavailableError(`${this.name} event store unavailable: ${reason}`, { cause: error });
  }

  async #commitGroup(group: PendingAppend[]): Promise<Outcome<AppendResult>[]> {
    let rows: Row[];
    try {
      rows = await this.#runAppend(JSON.stringify(group.map((p) => p.json)));
    } catch (error) {
      // The whole transaction is gone (or its outcome unknown): every append may retry.
      const unavailable = this.#unavailable(error);
      if (unavailable) throw unavailable;
      if (group.length === 1) throw error;
      // An unexpected SQL error: replay one by one so that it fails only its own append.
      const outcomes: Outcome<AppendResult>[] = [];
      for (const pending of group) {
        try {
          outcomes.push((await this.#commitGroup([pending]))[0]!);
        } catch (alone) {
          outcomes.push({ ok: false, error: alone });
        }
      }
      return outcomes;
    }
    if (rows.some((r) => r.outcome === "appended")) this.#doorbell.ring();
    return group.map((pending, i) => toOutcome(pending, rows[i]));
  }

  #runAppend(payload: string): Promise<Row[]> {
    const delay = this.#options.testHooks?.delayInTransactionMs;
    if (!delay) return this.#driver.query(this.#sql.append, [payload]);
    return this.#driver.transaction(async (query) => {
      const rows = await query(this.#sql.append, [payload]);
      await query(`SELECT pg_sleep($1::float8)`, [delay() / 1000]);
      return rows;
    });
  }

  async *#scan(start: SqlPosition, options: SubscribeOptions): AsyncGenerator<RecordedEvent> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.#closing.signal]) : this.#closing.signal;
    const batch = Math.min(Math.max(Math.trunc(options.batchSize ?? DEFAULT_BATCH), 1), MAX_BATCH);
    const categories = options.filter?.categories?.length ? options.filter.categories : null;
    const eventTypes = options.filter?.eventTypes?.length ? options.filter.eventTypes : null;
    this.#listenOnce();
    let position = start;
    let failures = 0;
    while (!signal.aborted) {
      const seen = this.#doorbell.generation;
      let rows: Row[];
      try {
        rows = await this.#driver.query(this.#sql.scanAll, [
          position.transactionId.toString(),
          position.position.toString(),
          batch,
          categories,
          eventTypes,
        ]);
        failures = 0;
      } catch (error) {
        // A subscription outlives connection blips: back off and resume from its position.
        if (signal.aborted) return;
        if (!this.#driver.isConnectionError(error)) throw error;
        failures++;
        await sleep(Math.min(100 * 2 ** failures, MAX_RETRY_DELAY_MS), signal);
        continue;
      }
      for (const row of rows) {
        if (signal.aborted) return;
        position = { transactionId: BigInt(row.tx as string), position: BigInt(row.pos as string) };
        if (row.matched) yield toRecordedEvent(row);
      }
      if (rows.length < batch) await this.#doorbell.wait(seen, this.#options.pollIntervalMs, signal);
    }
  }

  /** Starts one LISTEN for the whole store, on the first subscription. */
  #listenOnce(): void {
    if (!this.#driver.listen || this.#stopListening) return;
    this.#stopListening = this.#driver
      .listen(this.#names.channel, () => this.#doorbell.ring())
      .catch(() => undefined); // no LISTEN: polling alone still delivers everything
  }
}

function toOutcome(pending: PendingAppend, row: Row | undefined): Outcome<AppendResult> {
  if (!row) return { ok: false, error: new Error("append_events returned no row for an append") };
  const revision = BigInt(row.stream_revision as string);
  if (row.outcome === "conflict") {
    const actual = revision < 0n ? "no_stream" : revision;
    return { ok: false, error: new WrongExpectedRevisionError(pending.stream, pending.expected, actual) };
  }
  return {
    ok: true,
    value: { nextRevision: revision, checkpoint: encodeCheckpoint(row.commit_xid as string, row.last_position as string) },
  };
}
