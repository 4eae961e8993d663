// A Flick server for the simulator, in its own process so that the simulated viewers and
// the server do not share an event loop (the For You latency is then the server's, not
// the simulator's). Started by main.ts: embedded profile in memory by default; the
// environment it is given (FLICK_PROFILE, FLICK_ADMINS, FLICK_MEDIA_BLOB_DIR, engine URLs)
// is passed through. Prints one line `SIM_SERVER_URL=<url>` once it listens; stops on
// SIGTERM or when stdin closes (its parent went away).
import { startTestServer } from "../../services/test/support.js";

const passed = Object.fromEntries(
  Object.entries(process.env).filter(([k, v]) => v !== undefined && /^(FLICK_|POSTGRES_|REDIS_|CASSANDRA_|OTEL_)/.test(k)),
) as Record<string, string>;

const server = await startTestServer({ env: passed });
process.stdout.write(`SIM_SERVER_URL=${server.baseUrl}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close().catch(() => undefined);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
