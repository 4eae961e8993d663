// Through the real edge: Envoy (envoy.local.yaml, derived from the production
// envoy.yaml) in front of a real Flick process, called the way clients call it —
// Connect JSON with fetch, gRPC and gRPC-Web with connect-node, a browser's preflight.
// One cluster (flick-engagement) points at a small h2c probe instead of Flick, so the
// test can see what an upstream receives (X-Forwarded-For, the token, the trace) and
// make it fail on purpose (retries).
//
// Needs the Envoy binary: `bash scripts/ci/envoy.sh install` (CI does); skips loudly
// without it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http2 from "node:http2";
import { createServer, type AddressInfo } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiagnosticsService } from "@flick/contracts/flick/diagnostics/v1/diagnostics_service_pb";
import { AccountService } from "@flick/contracts/flick/identity/v1/account_service_pb";
import { SearchService } from "@flick/contracts/flick/search/v1/search_service_pb";
import { startTestServer, testKeys, type TestServer } from "../../services/test/support.js";
import { localConfig } from "../local.mjs";

const root = join(fileURLToPath(import.meta.url), "../../..");

function findEnvoy(): string | undefined {
  const candidates = [
    process.env.FLICK_ENVOY_BIN,
    join(process.env.FLICK_CACHE_DIR ?? join(homedir(), ".cache/flick"), "envoy/bin/envoy"),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

const envoyBin = findEnvoy();
if (!envoyBin) {
  console.warn(
    "\n*** envoy/test/envoy.e2e.spec.ts SKIPPED: no Envoy binary. Install it with `bash scripts/ci/envoy.sh install` " +
      "(or set FLICK_ENVOY_BIN). ***\n",
  );
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** An h2c upstream that answers gRPC health checks and echoes what it was sent. */
function startProbe() {
  const seen: Record<string, http2.IncomingHttpHeaders[]> = {};
  const server = http2.createServer((req, res) => {
    const path = req.headers[":path"] ?? "";
    if (path === "/grpc.health.v1.Health/Check") {
      // HealthCheckResponse{status: SERVING} as one gRPC frame, then grpc-status 0.
      res.writeHead(200, { "content-type": "application/grpc" });
      res.addTrailers({ "grpc-status": "0" });
      res.end(Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]));
      return;
    }
    req.resume();
    req.on("end", () => {
      const attempts = (seen[path] ??= []);
      attempts.push(req.headers);
      if (req.headers["x-probe-fail-first"] && attempts.length === 1) {
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: "unavailable", message: "probe: failing the first attempt" }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ headers: req.headers, attempts: attempts.length }));
    });
  });
  return {
    seen,
    listen: () => new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port))),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe.skipIf(!envoyBin)("Envoy in front of Flick (envoy.local.yaml)", () => {
  let flick: TestServer;
  let envoy: ChildProcess;
  let probe: ReturnType<typeof startProbe>;
  let dir: string;
  let base: string;
  let token: string;

  const url = (path: string) => `${base}${path}`;
  const connectJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url(path), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  beforeAll(async () => {
    flick = await startTestServer({ services: ["diagnostics", "search"] });
    token = await flick.token("usr_edge");
    probe = startProbe();
    const probePort = await probe.listen();
    const [listenPort, adminPort] = [await freePort(), await freePort()];
    dir = mkdtempSync(join(tmpdir(), "flick-envoy-"));
    const config = localConfig(readFileSync(join(root, "envoy/envoy.yaml"), "utf8"), {
      flickPort: flick.port,
      listenPort,
      adminPort,
      clusterPorts: { "flick-engagement": probePort },
    });
    writeFileSync(join(dir, "envoy.yaml"), config);
    envoy = spawn(envoyBin!, ["-c", join(dir, "envoy.yaml"), "--disable-hot-restart", "--concurrency", "2", "-l", "warning"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log: string[] = [];
    envoy.stdout!.on("data", (d) => log.push(String(d)));
    envoy.stderr!.on("data", (d) => log.push(String(d)));
    base = `http://127.0.0.1:${listenPort}`;

    // Ready once the JWKS is fetched and the upstreams are healthy: an authenticated
    // call goes all the way through.
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (envoy.exitCode !== null) throw new Error(`envoy exited ${envoy.exitCode}:\n${log.join("")}`);
      try {
        const res = await connectJson("/flick.diagnostics.v1.DiagnosticsService/Echo", { message: "ready?" }, bearer(token));
        if (res.status === 200) break;
      } catch {}
      if (Date.now() > deadline) throw new Error(`envoy not ready after 20 s:\n${log.join("")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (envoy && envoy.exitCode === null) {
      const exited = new Promise((resolve) => envoy.once("exit", resolve));
      envoy.kill("SIGTERM");
      await exited;
    }
    await probe?.close();
    await flick?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("passes Connect JSON with a bearer token through to Flick", async () => {
    const res = await connectJson("/flick.diagnostics.v1.DiagnosticsService/Echo", { message: "via envoy" }, bearer(token));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ message: "via envoy", userId: "usr_edge" });
  });

  it("speaks gRPC (h2c) end to end", async () => {
    const client = createClient(DiagnosticsService, createGrpcTransport({ baseUrl: base }));
    const res = await client.echo({ message: "grpc" }, { headers: bearer(token) });
    expect(res.userId).toBe("usr_edge");
  });

  it("speaks gRPC-Web over HTTP/1.1 end to end", async () => {
    const client = createClient(DiagnosticsService, createGrpcWebTransport({ baseUrl: base, httpVersion: "1.1" }));
    const res = await client.echo({ message: "grpc-web" }, { headers: bearer(token) });
    expect(res.userId).toBe("usr_edge");
  });

  it("answers a browser's CORS preflight for Connect-Web", async () => {
    const res = await fetch(url("/flick.diagnostics.v1.DiagnosticsService/Echo"), {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,connect-protocol-version,connect-timeout-ms",
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(res.headers.get("access-control-allow-headers")).toContain("connect-protocol-version");
    expect(res.headers.get("access-control-expose-headers")).toContain("grpc-status-details-bin");
    expect(res.headers.get("x-envoy-upstream-service-time")).toBeNull(); // Envoy answered it
  });

  it("refuses CORS to an origin that is not the app's", async () => {
    const res = await fetch(url("/flick.diagnostics.v1.DiagnosticsService/Echo"), {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets an anonymous RPC through without a token: Flick answers, not Envoy", async () => {
    const res = await connectJson("/flick.search.v1.SearchService/SearchVideos", { q: "x" });
    expect(res.headers.get("x-envoy-upstream-service-time")).not.toBeNull();
    // Search answers UNIMPLEMENTED until its feature lands, then results; never 401.
    expect(res.status).not.toBe(401);
    if (res.status !== 200) expect(await res.json()).toMatchObject({ code: "unimplemented" });
  });

  it("refuses an authenticated RPC without a token (Connect: 401 with the code; gRPC: UNAUTHENTICATED)", async () => {
    const res = await connectJson("/flick.diagnostics.v1.DiagnosticsService/Echo", { message: "no token" });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "unauthenticated" });

    const client = createClient(DiagnosticsService, createGrpcTransport({ baseUrl: base }));
    const err = await client.echo({ message: "no token" }).catch((e: unknown) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unauthenticated);
  });

  it("refuses a forged token at the edge, on authenticated and anonymous RPCs alike", async () => {
    const forged = (await testKeys().signer.sign("usr_edge", "admin")).token;
    for (const path of ["/flick.diagnostics.v1.DiagnosticsService/Echo", "/flick.search.v1.SearchService/SearchVideos"]) {
      const res = await connectJson(path, { message: "x", q: "x" }, bearer(forged));
      expect(res.status).toBe(401);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe("unauthenticated");
      expect(body.message).toMatch(/^Jwt/); // Envoy's jwt_authn, not Flick's interceptor
      expect(res.headers.get("x-envoy-upstream-service-time")).toBeNull();
    }
    const webClient = createClient(SearchService, createGrpcWebTransport({ baseUrl: base, httpVersion: "1.1" }));
    const err = await webClient.searchVideos({ q: "x" }, { headers: bearer(forged) }).catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.Unauthenticated);
  });

  it("keeps admin RPCs to the admin role (RBAC on the verified claim)", async () => {
    const res = await connectJson("/flick.identity.v1.AccountService/SetVerified", { userId: "usr_x" }, bearer(token));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "permission_denied" });

    const admin = await flick.token("usr_root", "admin");
    const passed = await connectJson("/flick.identity.v1.AccountService/SetVerified", { userId: "usr_x" }, bearer(admin));
    expect(passed.headers.get("x-envoy-upstream-service-time")).not.toBeNull(); // reached Flick
  });

  it("sends Flick the client's address, not one the client claims, with the token and trace context", async () => {
    const res = await connectJson("/flick.engagement.v1.EngagementService/ListSavedVideos", {}, { ...bearer(token), "x-forwarded-for": "203.0.113.7" });
    expect(res.status).toBe(200);
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    expect(headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(headers.authorization).toBe(`Bearer ${token}`); // forwarded: Flick verifies again
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(headers["x-request-id"]).toBeTruthy();
  });

  it("retries a side-effect-free RPC on UNAVAILABLE, never a command", async () => {
    const fail = { ...bearer(token), "x-probe-fail-first": "1" };
    const read = await connectJson("/flick.engagement.v1.EngagementService/ListLikedVideos", { userId: "usr_x" }, fail);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { attempts: number }).attempts).toBe(2);

    const write = await connectJson("/flick.engagement.v1.EngagementService/LikeVideo", { videoId: "vid_x" }, fail);
    expect(write.status).toBe(503);
    expect(probe.seen["/flick.engagement.v1.EngagementService/LikeVideo"]).toHaveLength(1);
  });

  it("rate-limits a burst of sign-ins: 429 + RESOURCE_EXHAUSTED for Connect, gRPC and gRPC-Web", async () => {
    const path = "/flick.identity.v1.AccountService/SignIn";
    // 200 at once against a bucket of 50 refilled at 25/s: refusals unless the burst
    // takes more than 6 s to arrive.
    const burst = await Promise.all(Array.from({ length: 200 }, () => connectJson(path, { identifier: "someone", password: "x" })));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.headers.get("x-local-rate-limit")).toBe("true");
    expect(limited[0]!.headers.get("x-ratelimit-limit")).toBe("50");
    expect(await limited[0]!.json()).toMatchObject({ code: "resource_exhausted" });
    await Promise.all(burst.filter((r) => !r.bodyUsed).map((r) => r.body?.cancel()));

    for (const transport of [createGrpcTransport({ baseUrl: base }), createGrpcWebTransport({ baseUrl: base, httpVersion: "1.1" })]) {
      const client = createClient(AccountService, transport);
      const codes = await Promise.all(
        Array.from({ length: 200 }, () => client.signIn({}).then(() => Code.Unknown, (e: unknown) => ConnectError.from(e).code)),
      );
      expect(codes).toContain(Code.ResourceExhausted);
    }
  });
});

