// The read-store contracts on PGlite (embedded profile): always runs, in-process. The
// example projection shares one PGlite between the event store and the read models, as
// the embedded profile does.

import { PGlite } from "@electric-sql/pglite";
import { afterAll } from "vitest";
import { createPgliteEventStore } from "@flick/event-store";
import { createPgliteCheckpointStore, createPgliteReadStore, pgliteCapabilities, type ReadStore } from "../src/index.js";
import { checkpointsContract } from "./checkpoints.contract.js";
import { allPortContracts } from "./contracts.js";
import { fresh } from "./harness.js";
import { streamActivityScenario } from "./stream-activity.scenario.js";

let db: PGlite | undefined;
const database = () => (db ??= new PGlite());
afterAll(async () => {
  await db?.close();
});

const open = async (): Promise<ReadStore> => createPgliteReadStore(database(), { schema: fresh("rs") });
allPortContracts({ engine: "pglite", open, capabilities: pgliteCapabilities });

checkpointsContract({
  engine: "pglite",
  atomic: true,
  open: async () => ({ checkpoints: createPgliteCheckpointStore(database()), close: async () => undefined }),
});

streamActivityScenario({
  family: "pglite",
  open: async () => {
    const events = await createPgliteEventStore({ db: database(), schema: fresh("events") });
    return { events, checkpoints: createPgliteCheckpointStore(database()), close: () => events.close() };
  },
});
