import { createPgliteEventStore } from "../src/index.js";
import { eventStoreContract } from "./event-store.contract.js";
import { sqlEventStoreCases } from "./sql.event-store.cases.js";

// The embedded default: PGlite in memory, so every run starts from an empty store.
eventStoreContract(
  "pglite",
  (options) => createPgliteEventStore({
      groupCommit: options?.groupCommit ?? true,
      testHooks: { delayInTransactionMs: options?.delayInTransactionMs },
    }),
  { exactIdempotency: true, groupCommit: true },
);

sqlEventStoreCases("pglite", () => createPgliteEventStore());
