// Every port's contract suite for one target: what each *.int.spec.ts calls.

import { cacheContract } from "./cache.contract.js";
import { countersContract } from "./counters.contract.js";
import type { ContractTarget } from "./harness.js";
import { pubsubContract } from "./pubsub.contract.js";
import { setsContract } from "./sets.contract.js";
import { sortedSetsContract } from "./sorted-sets.contract.js";
import { tablesContract } from "./tables.contract.js";

export function allPortContracts(target: ContractTarget): void {
  tablesContract(target);
  countersContract(target);
  setsContract(target);
  sortedSetsContract(target);
  pubsubContract(target);
  cacheContract(target);
}
