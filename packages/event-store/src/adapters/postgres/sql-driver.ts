// What the PostgreSQL-family event store needs from an engine, so that one implementation
// (same SQL, same group commit, same subscription loop) runs over a `pg` Pool and over
// in-process PGlite.

export type Row = Record<string, unknown>;
export type Query = (text: string, params?: unknown[]) => Promise<Row[]>;

export interface SqlDriver {
  /** One statement in its own (implicit) transaction. */
  query: Query;
  /** Statements on one connection between BEGIN and COMMIT; rolled back if `fn` throws. */
  transaction<T>(fn: (query: Query) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel`, from any process. Absent where no
   * other process can write (PGlite holds a lock on its data directory).
   */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** True when the error means the connection failed, so a commit's outcome is unknown. */
  isConnectionError(error: unknown): boolean;
  /** Appends that may be in flight at once (each holds a connection). */
  readonly maxConnections: number;
  close(): Promise<void>;
}
