// Boots a Flick process: platform (engines of the profile), feature modules, the one-port
// server, then projections and background work. Used by the CLI and by e2e tests.
import { createApp, loadTokenKeys, publicJwks as verifierJwks, serve, TokenSigner, TokenVerifier, type Config, type RunningServer } from "@flick/server";
import { buildModules } from "./catalog.js";
import type { FeatureModule } from "./platform/module.js";
import { createPlatform, type Platform } from "./platform/platform.js";
import { observeProjections, projectionStatusRoute } from "./platform/observability.js";

export interface Flick {
  platform: Platform;
  modules: FeatureModule[];
  server: RunningServer;
  stop(): Promise<void>;
}

export async function startFlick(config: Config, options: { services?: string[]; keys?: ReturnType<typeof loadTokenKeys> } = {}): Promise<Flick> {
  const keys =
    options.keys ??
    loadTokenKeys({
      privatePem: config.FLICK_JWT_PRIVATE_KEY,
      publicPem: config.FLICK_JWT_PUBLIC_KEY,
      dataDir: config.FLICK_DATA_DIR === "memory://" ? undefined : config.FLICK_DATA_DIR,
    });
  const settings = { issuer: config.FLICK_JWT_ISSUER, audience: config.FLICK_JWT_AUDIENCE, ttlSeconds: config.FLICK_ACCESS_TOKEN_TTL_SECONDS };
  const verifier = new TokenVerifier(keys, settings);
  // A process that only verifies (no private key) still boots; signing RPCs then fail loudly.
  const signer = keys.privateKey ? new TokenSigner(keys, settings) : (undefined as unknown as TokenSigner);
  const platform = await createPlatform({ config, tokens: { signer, verifier } });
  try {
    const modules = await buildModules(platform, options.services);
    const jwks = JSON.stringify(await verifierJwks(keys));
    const app = createApp({
      services: modules.flatMap((m) => m.services),
      httpRoutes: [
        // Envoy's jwt_authn (and any other verifier) fetches the public key here.
        {
          prefix: "/.well-known/jwks.json",
          handler: (_req, res) => {
            res.writeHead(200, { "content-type": "application/json", "cache-control": "public, max-age=300" });
            res.end(jwks);
          },
        },
        projectionStatusRoute(() => platform.readModels()),
        ...modules.flatMap((m) => m.httpRoutes ?? []),
      ],
      verifier,
      maxMessageBytes: config.FLICK_MAX_MESSAGE_BYTES,
      maxTimeoutMs: config.FLICK_MAX_TIMEOUT_MS,
    });
    observeProjections(() => platform.readModels());
    await platform.start();
    for (const m of modules) await m.start?.();
    const server = await serve(app, { port: config.PORT, host: config.HOST, graceMs: config.FLICK_SHUTDOWN_GRACE_MS });
    return {
      platform,
      modules,
      server,
      async stop() {
        await server.close();
        for (const m of [...modules].reverse()) await m.stop?.();
        await platform.stop();
      },
    };
  } catch (e) {
    await platform.stop();
    throw e;
  }
}
