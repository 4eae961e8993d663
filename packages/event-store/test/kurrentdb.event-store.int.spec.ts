import { describe, it } from "vitest";
import { createKurrentEventStore } from "../src/index.js";
import { eventStoreContract } from "./event-store.contract.js";

// Runs when KURRENTDB_URL points at a server (e.g. kurrentdb://127.0.0.1:2113?tls=false).
// None can be installed on the CI machines, so this suite usually skips, loudly.

const url = process.env.KURRENTDB_URL;

if (!url) {
  console.warn(
    "\n⚠️  SKIPPED: KurrentDB event store suite — KURRENTDB_URL is not set.\n" +
      "   Point it at a KurrentDB server, e.g. kurrentdb://127.0.0.1:2113?tls=false.\n",
  );
  describe.skip("kurrentdb event store (needs KURRENTDB_URL)", () => {
    it("runs the contract", () => {});
  });
} else {
  eventStoreContract("kurrentdb", () => createKurrentEventStore({ connectionString: url }), {
    exactIdempotency: false,
    groupCommit: false,
  });
}
