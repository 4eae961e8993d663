// Level 2: the whole interceptor chain in memory (createRouterTransport), no sockets.
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { DiagnosticsService } from "@flick/contracts/flick/diagnostics/v1/diagnostics_service_pb";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { createApp, register } from "@flick/server";
import { diagnosticsService } from "../diagnostics/diagnostics.service.js";
import { testKeys } from "./support.js";

function setup() {
  const { signer, verifier } = testKeys();
  const app = createApp({ services: [register(DiagnosticsService, diagnosticsService)], verifier });
  const transport = createRouterTransport(app.routes, { router: { interceptors: app.interceptors } });
  return { signer, client: createClient(DiagnosticsService, transport) };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe("interceptor chain (in-memory transport)", () => {
  it("authenticates the caller from the bearer token", async () => {
    const { signer, client } = setup();
    const { token } = await signer.sign("usr_ana", "user");
    const res = await client.echo({ message: "ping" }, bearer(token));
    expect(res).toMatchObject({ message: "ping", userId: "usr_ana" });
  });

  it("refuses a call without a token with UNAUTHENTICATED", async () => {
    const { client } = setup();
    const err = await client.echo({ message: "x" }).catch((e) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unauthenticated);
  });

  it("refuses a forged token (signed by another key)", async () => {
    const { client } = setup();
    const other = testKeys().signer;
    const { token } = await other.sign("usr_ana", "admin");
    const err = (await client.echo({ message: "x" }, bearer(token)).catch((e) => e)) as ConnectError;
    expect(err.code).toBe(Code.Unauthenticated);
  });

  it("refuses an expired token", async () => {
    const { signer, client } = setup();
    const { token } = await signer.sign("usr_ana", "user", new Date(Date.now() - 3600_000));
    const err = (await client.echo({ message: "x" }, bearer(token)).catch((e) => e)) as ConnectError;
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toMatch(/expired/);
  });

  it("rejects a malformed authorization header", async () => {
    const { client } = setup();
    const err = (await client.echo({ message: "x" }, { headers: { authorization: "Basic abc" } }).catch((e) => e)) as ConnectError;
    expect(err.code).toBe(Code.Unauthenticated);
  });

  it("answers an over-long field with INVALID_ARGUMENT and a field violation", async () => {
    const { signer, client } = setup();
    const { token } = await signer.sign("usr_ana", "user");
    const err = (await client.echo({ message: "x".repeat(1025) }, bearer(token)).catch((e) => e)) as ConnectError;
    expect(err.code).toBe(Code.InvalidArgument);
    const [violations] = err.findDetails(ViolationsSchema);
    expect(violations?.violations[0]?.field?.elements[0]?.fieldName).toBe("message");
  });
});
