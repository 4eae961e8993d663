// Which `pg` errors mean "the connection failed": then a transaction's outcome is unknown
// and the caller should retry (event ids make that safe). Anything else is a real error.

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** SQLSTATEs the server sends as it drops or refuses a connection. */
function isConnectionSqlState(code: string): boolean {
  return (
    code.startsWith("08") || // connection_exception
    code.startsWith("53") || // insufficient_resources (too many connections, out of memory, disk full)
    code === "57P01" || // admin_shutdown (pg_terminate_backend, fast shutdown)
    code === "57P02" || // crash_shutdown
    code === "57P03" // cannot_connect_now (starting up, recovering)
  );
}

const CONNECTION_MESSAGES =
  /Connection terminated|connection error|Client was closed|timeout exceeded when trying to connect|Cannot use a pool after calling end/i;

export function isPgConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    // Node's socket errors (ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT…) have no SQLSTATE.
    return SQLSTATE.test(code) ? isConnectionSqlState(code) : true;
  }
  return CONNECTION_MESSAGES.test(error.message);
}
