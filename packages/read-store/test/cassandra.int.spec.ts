// The read-store contracts on Cassandra 5.0. Needs CASSANDRA_CONTACT_POINTS, e.g.
// CASSANDRA_CONTACT_POINTS=$(bash scripts/ci/cassandra.sh start); skips loudly without it.
// The example projection reads its events from an in-process PGlite event store.

import { afterAll, describe, it } from "vitest";
import { createPgliteEventStore } from "@flick/event-store";
import { cassandraCapabilities, createCassandraCheckpointStore, createCassandraClient, createCassandraReadStore, type ReadStore } from "../src/index.js";
import { checkpointsContract } from "./checkpoints.contract.js";
import { allPortContracts } from "./contracts.js";
import { fresh, serverFromEnv } from "./harness.js";
import { streamActivityScenario } from "./stream-activity.scenario.js";

const contactPoints = serverFromEnv("CASSANDRA_CONTACT_POINTS", "scripts/ci/cassandra.sh", "Cassandra");

if (!contactPoints) {
  describe.skip("read-store contracts (cassandra): CASSANDRA_CONTACT_POINTS not set", () => it("runs against a Cassandra node"));
} else {
  const client = createCassandraClient(contactPoints.split(","));
  // Every keyspace this run creates starts with its own prefix, so it can drop them all.
  const run = fresh("t").slice(0, 7);
  afterAll(async () => {
    const rs = await client.execute("SELECT keyspace_name FROM system_schema.keyspaces");
    for (const row of rs.rows) {
      const ks = row["keyspace_name"] as string;
      if (ks.startsWith(run)) await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => undefined);
    }
    await client.shutdown();
  });

  const open = async (): Promise<ReadStore> => createCassandraReadStore({ client, keyspace: `${run}_${fresh("rs")}` });
  allPortContracts({ engine: "cassandra", open, capabilities: cassandraCapabilities });

  checkpointsContract({
    engine: "cassandra",
    atomic: false,
    open: async () => ({
      checkpoints: createCassandraCheckpointStore({ client, metaKeyspace: `${run}_meta_cp`, keyspacePrefix: `${run}_` }),
      close: async () => undefined,
    }),
  });

  streamActivityScenario({
    family: "cassandra",
    open: async () => {
      const events = await createPgliteEventStore();
      const checkpoints = createCassandraCheckpointStore({ client, metaKeyspace: `${run}_meta_ex`, keyspacePrefix: `${run}_` });
      return { events, checkpoints, close: () => events.close() };
    },
  });
}
