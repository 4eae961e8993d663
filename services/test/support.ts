// A real Flick process (embedded profile, in memory) on a free loopback port, with
// ephemeral signing keys, for e2e tests.
import { ephemeralKeys, loadConfig, TokenSigner, TokenVerifier } from "@flick/server";
import { startFlick, type Flick } from "../start.js";

export interface TestServer {
  baseUrl: string;
  port: number;
  flick: Flick;
  signer: TokenSigner;
  token(userId?: string, role?: "user" | "admin"): Promise<string>;
  close(): Promise<void>;
}

const settings = { issuer: "flick", audience: "flick-api", ttlSeconds: 900 };

export function testKeys() {
  const keys = ephemeralKeys();
  return { keys, signer: new TokenSigner(keys, settings), verifier: new TokenVerifier(keys, settings) };
}

export async function startTestServer(options: { services?: string[]; env?: Record<string, string> } = {}): Promise<TestServer> {
  const { keys, signer } = testKeys();
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", FLICK_DATA_DIR: "memory://", FLICK_SHUTDOWN_GRACE_MS: "1000", ...options.env });
  const flick = await startFlick(config, { services: options.services, keys });
  return {
    baseUrl: `http://127.0.0.1:${flick.server.port}`,
    port: flick.server.port,
    flick,
    signer,
    token: async (userId = "usr_test", role = "user") => (await signer.sign(userId, role)).token,
    close: () => flick.stop(),
  };
}
