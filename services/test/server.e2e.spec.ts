// Level 3: a real server on a loopback port, reached by every protocol and by a plain
// @grpc/grpc-js client that knows nothing but the .proto files — the proof that
// generated clients in other languages work.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiagnosticsService } from "@flick/contracts/flick/diagnostics/v1/diagnostics_service_pb";
import { Health, HealthCheckResponse_ServingStatus } from "@flick/contracts/grpc/health/v1/health_pb";
import { ServerReflection } from "@flick/contracts/grpc/reflection/v1/reflection_pb";
import { startTestServer, type TestServer } from "./support.js";

const root = join(fileURLToPath(import.meta.url), "../../..");
let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = await server.token("usr_e2e");
});
afterAll(() => server?.close());

const auth = () => ({ headers: { authorization: `Bearer ${token}` } });

describe("one port, every protocol", () => {
  it("answers Connect JSON over HTTP/1.1 as curl would send it", async () => {
    const res = await fetch(`${server.baseUrl}/flick.diagnostics.v1.DiagnosticsService/Echo`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ message: "hello" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ message: "hello", userId: "usr_e2e" });
  });

  it("serves side-effect-free RPCs over HTTP GET (cacheable)", async () => {
    const msg = encodeURIComponent(JSON.stringify({ message: "get" }));
    const res = await fetch(
      `${server.baseUrl}/flick.diagnostics.v1.DiagnosticsService/Echo?connect=v1&encoding=json&message=${msg}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ message: "get" });
  });

  it("returns a Connect error body with the code for bad input", async () => {
    const res = await fetch(`${server.baseUrl}/flick.diagnostics.v1.DiagnosticsService/Echo`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ message: 42 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("invalid_argument");
  });

  it("refuses a message over the size limit with RESOURCE_EXHAUSTED before decoding it", async () => {
    const res = await fetch(`${server.baseUrl}/flick.diagnostics.v1.DiagnosticsService/Echo`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ message: "x".repeat(5 * 1024 * 1024) }),
    });
    expect(((await res.json()) as { code: string }).code).toBe("resource_exhausted");
  });

  for (const [name, make] of [
    ["Connect binary over h2c", () => createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "2", useBinaryFormat: true })],
    ["gRPC over h2c", () => createGrpcTransport({ baseUrl: server.baseUrl })],
    ["gRPC-Web over HTTP/1.1", () => createGrpcWebTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" })],
  ] as const) {
    it(`answers ${name}`, async () => {
      const client = createClient(DiagnosticsService, make());
      const res = await client.echo({ message: name }, auth());
      expect(res.userId).toBe("usr_e2e");
      expect(res.message).toBe(name);
    });
  }

  it("publishes the token verification key as JWKS, and 404s unknown paths", async () => {
    const res = await fetch(`${server.baseUrl}/.well-known/jwks.json`);
    const jwks = (await res.json()) as { keys: { kty: string; crv: string; alg: string }[] };
    expect(jwks.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect((await fetch(`${server.baseUrl}/nothing/here`)).status).toBe(404);
  });

  it("serves grpc.health.v1 for the server and each service", async () => {
    const health = createClient(Health, createGrpcTransport({ baseUrl: server.baseUrl }));
    expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect((await health.check({ service: "flick.diagnostics.v1.DiagnosticsService" })).status).toBe(
      HealthCheckResponse_ServingStatus.SERVING,
    );
    const err = (await health.check({ service: "nope.Nope" }).catch((e) => e)) as ConnectError;
    expect(err.code).toBe(Code.NotFound);
  });

  it("lists every API service through server reflection v1", async () => {
    const client = createClient(ServerReflection, createGrpcTransport({ baseUrl: server.baseUrl }));
    async function* one() {
      yield { messageRequest: { case: "listServices" as const, value: "" } };
      yield { messageRequest: { case: "fileContainingSymbol" as const, value: "flick.diagnostics.v1.DiagnosticsService.Echo" } };
    }
    const answers = [];
    for await (const res of client.serverReflectionInfo(one())) answers.push(res);
    const listed = answers[0]!.messageResponse.case === "listServicesResponse" ? answers[0]!.messageResponse.value.service.map((s) => s.name) : [];
    const expected = server.flick.modules.flatMap((m) => m.services.map((s) => s.service.typeName));
    expect(expected.length).toBeGreaterThanOrEqual(16);
    expect(listed).toEqual(expect.arrayContaining([...expected, "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"]));
    expect(answers[1]!.messageResponse.case).toBe("fileDescriptorResponse");
  });
});

describe("a plain @grpc/grpc-js client loading the .proto files", () => {
  const definition = () =>
    grpc.loadPackageDefinition(
      protoLoader.loadSync(["flick/diagnostics/v1/diagnostics_service.proto", "grpc/health/v1/health.proto"], {
        includeDirs: [join(root, "proto"), join(root, "third_party")],
        longs: String,
        enums: String,
        defaults: true,
      }),
    ) as any;

  it("checks health and calls an authenticated RPC with metadata", async () => {
    const pkg = definition();
    const address = `127.0.0.1:${server.port}`;
    const health = new pkg.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
    const status = await new Promise<any>((resolve, reject) =>
      health.Check({ service: "" }, (err: Error | null, res: any) => (err ? reject(err) : resolve(res))),
    );
    expect(status.status).toBe("SERVING");

    const diag = new pkg.flick.diagnostics.v1.DiagnosticsService(address, grpc.credentials.createInsecure());
    const md = new grpc.Metadata();
    md.set("authorization", `Bearer ${token}`);
    const res = await new Promise<any>((resolve, reject) =>
      diag.Echo({ message: "from grpc-js" }, md, (err: Error | null, r: any) => (err ? reject(err) : resolve(r))),
    );
    expect(res.message).toBe("from grpc-js");
    expect(res.userId ?? res.user_id).toBe("usr_e2e");

    const err = await new Promise<grpc.ServiceError>((resolve) =>
      diag.Echo({ message: "x".repeat(2000) }, md, (e: grpc.ServiceError) => resolve(e)),
    );
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    const unauth = await new Promise<grpc.ServiceError>((resolve) =>
      diag.Echo({ message: "x" }, (e: grpc.ServiceError) => resolve(e)),
    );
    expect(unauth.code).toBe(grpc.status.UNAUTHENTICATED);
    health.close();
    diag.close();
  });
});
