// The platform every feature module is built on: engines for the profile, the command
// side's helpers, and projections run by the projection runner on the store of their
// role. Modules never see the profile: they get ports.
import type { EventStore } from "@flick/event-store";
import {
  createIdGenerator,
  createPersonalDataVault,
  resolveMasterKey,
  type IdGenerator,
  type PersonalDataVault,
} from "@flick/kernel";
import { ProjectionRunner, SharedSubscriptionStore, type Projection, type RebuildReport } from "@flick/projection-runner";
import type { ReadStore } from "@flick/read-store";
import type { Config, TokenSigner, TokenVerifier } from "@flick/server";
import { openEngines, type Engines, type StoreRole } from "./engines.js";

export type { StoreRole } from "./engines.js";

/** A projection registered on the platform: its live read model, and read-your-writes. */
export interface ReadModel {
  readonly name: string;
  readonly role: StoreRole;
  /** The store holding the projection's live slot (re-opened after a rebuild). */
  store(): Promise<ReadStore>;
  /** Resolves true once the projection has processed `checkpoint` (false on timeout). */
  waitFor(checkpoint: string, timeoutMs: number): Promise<boolean>;
  /**
   * Replays the whole log into fresh storage and swaps it in; store() then returns the new
   * slot (on Cassandra and Redis a promoted rebuild lives elsewhere and the old one is dropped).
   */
  rebuild(): Promise<RebuildReport>;
  runner: ProjectionRunner<ReadStore>;
}

export interface Platform {
  readonly config: Config;
  readonly engines: Engines;
  readonly events: EventStore;
  readonly vault: PersonalDataVault;
  readonly ids: IdGenerator;
  readonly clock: () => Date;
  readonly tokens: { signer: TokenSigner; verifier: TokenVerifier };
  /** Registers a projection; it runs from start() on. */
  project(role: StoreRole, projection: Projection<ReadStore>): ReadModel;
  readModels(): ReadModel[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  config: Config;
  tokens: { signer: TokenSigner; verifier: TokenVerifier };
  clock?: () => Date;
  /** Set false for processes that serve queries only from projections run elsewhere. */
  runProjections?: boolean;
}

export async function createPlatform(options: PlatformOptions): Promise<Platform> {
  const { config } = options;
  const engines = await openEngines(config);
  let master: ReturnType<typeof resolveMasterKey>;
  try {
    master = resolveMasterKey(config.FLICK_MASTER_KEY, config.FLICK_PROFILE);
  } catch (e) {
    await engines.close();
    throw e;
  }
  if (master.insecure) console.warn("flick: FLICK_MASTER_KEY not set; using the insecure development key (embedded profile only)");
  const vault = createPersonalDataVault({ keys: engines.keys, masterKey: master.key });
  const models: ReadModel[] = [];
  let started = false;
  // Every projection of this process reads $all through one shared reader.
  const feed = new SharedSubscriptionStore(engines.events);

  const project = (role: StoreRole, projection: Projection<ReadStore>): ReadModel => {
    if (started) throw new Error(`projection ${projection.name} registered after start`);
    if (models.some((m) => m.name === projection.name)) throw new Error(`projection ${projection.name} registered twice`);
    const family = engines.stores[role];
    const runner = new ProjectionRunner<ReadStore>({
      store: feed,
      checkpoints: family.checkpoints,
      projection,
      onError: (e) => console.error(`projection ${projection.name}:`, e),
    });
    let live: Promise<ReadStore> | undefined;
    const model: ReadModel = {
      name: projection.name,
      role,
      runner,
      store: () => (live ??= family.checkpoints.openLive(projection.name)),
      waitFor: (checkpoint, timeoutMs) => runner.waitFor(checkpoint, timeoutMs),
      async rebuild() {
        const report = await runner.rebuild({ swap: true });
        live = undefined;
        return report;
      },
    };
    models.push(model);
    return model;
  };

  return {
    config,
    engines,
    events: engines.events,
    vault,
    ids: createIdGenerator(),
    clock: options.clock ?? (() => new Date()),
    tokens: options.tokens,
    project,
    readModels: () => [...models],
    async start() {
      started = true;
      if (options.runProjections === false) return;
      // Sequential: on first start each projection may rebuild, and two cores are plenty
      // busy with one catch-up at a time.
      for (const m of models) await m.runner.start();
    },
    async stop() {
      for (const m of models) await m.runner.stop();
      await feed.close();
      await engines.close();
    },
  };
}
