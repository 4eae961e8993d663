// `flick projections list|rebuild <name>|rebuild --all`: an operator's handle on the read
// side. Boots the platform and the modules (which register their projections) without
// serving RPCs, so it runs as a one-off Job against the same engines as the services.
import { loadConfig, loadTokenKeys, TokenSigner, TokenVerifier, type Config } from "@flick/server";
import { buildModules } from "./catalog.js";
import { createPlatform } from "./platform/platform.js";

export async function projectionsCommand(argv: string[], env = process.env): Promise<void> {
  const [action, target] = argv;
  const config: Config = loadConfig(env);
  const keys = loadTokenKeys({
    privatePem: config.FLICK_JWT_PRIVATE_KEY,
    publicPem: config.FLICK_JWT_PUBLIC_KEY,
    dataDir: config.FLICK_DATA_DIR === "memory://" ? undefined : config.FLICK_DATA_DIR,
  });
  const settings = { issuer: config.FLICK_JWT_ISSUER, audience: config.FLICK_JWT_AUDIENCE, ttlSeconds: config.FLICK_ACCESS_TOKEN_TTL_SECONDS };
  const platform = await createPlatform({
    config,
    tokens: { signer: new TokenSigner(keys, settings), verifier: new TokenVerifier(keys, settings) },
    runProjections: false,
  });
  try {
    await buildModules(platform);
    const models = platform.readModels();
    if (action === "list" || action === undefined) {
      for (const m of models) {
        const s = await m.runner.status();
        console.log(`${m.name.padEnd(28)} ${m.role.padEnd(7)} v${s.version} checkpoint ${s.checkpoint ?? "-"}`);
      }
      return;
    }
    if (action === "rebuild") {
      const chosen = target === "--all" ? models : models.filter((m) => m.name === target);
      if (chosen.length === 0) throw new Error(`no projection named ${target ?? "(none)"}; try: flick projections list`);
      for (const m of chosen) {
        const t0 = performance.now();
        const report = await m.rebuild();
        console.log(`${m.name}: rebuilt in ${((performance.now() - t0) / 1000).toFixed(1)} s`, report);
      }
      return;
    }
    throw new Error("usage: flick projections list | rebuild <name> | rebuild --all");
  } finally {
    await platform.stop();
  }
}
