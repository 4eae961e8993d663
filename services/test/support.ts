// A real Flick server on a free loopback port, with ephemeral signing keys, for tests.
import { createApp, ephemeralKeys, serve, TokenSigner, TokenVerifier, type ServiceRegistration } from "@flick/server";
import { catalog } from "../catalog.js";

export interface TestServer {
  baseUrl: string;
  port: number;
  signer: TokenSigner;
  token(userId?: string, role?: "user" | "admin"): Promise<string>;
  close(): Promise<void>;
}

const settings = { issuer: "flick", audience: "flick-api", ttlSeconds: 900 };

export function testKeys() {
  const keys = ephemeralKeys();
  return { keys, signer: new TokenSigner(keys, settings), verifier: new TokenVerifier(keys, settings) };
}

export async function startTestServer(services?: ServiceRegistration[]): Promise<TestServer> {
  const { signer, verifier } = testKeys();
  const app = createApp({ services: services ?? catalog().flatMap((m) => m.services), verifier });
  const server = await serve(app, { port: 0, host: "127.0.0.1", graceMs: 1000 });
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    port: server.port,
    signer,
    token: async (userId = "usr_test", role = "user") => (await signer.sign(userId, role)).token,
    close: () => server.close(),
  };
}
