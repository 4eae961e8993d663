// Level 1: the service implementation called directly, no transport.
import { createContextValues, createHandlerContext } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { DiagnosticsService, EchoRequestSchema } from "@flick/contracts/flick/diagnostics/v1/diagnostics_service_pb";
import { callerKey } from "@flick/server";
import { diagnosticsService } from "../diagnostics/diagnostics.service.js";

describe("DiagnosticsService.Echo (impl)", () => {
  it("returns the message and the caller from the context", async () => {
    const values = createContextValues().set(callerKey, { userId: "usr_ana", role: "user", tokenId: "t1" });
    const ctx = createHandlerContext({
      service: DiagnosticsService,
      method: DiagnosticsService.method.echo,
      protocolName: "connect",
      requestMethod: "POST",
      url: "http://localhost/flick.diagnostics.v1.DiagnosticsService/Echo",
      contextValues: values,
    });
    const res = await diagnosticsService.echo(create(EchoRequestSchema, { message: "hi" }), ctx);
    expect(res.message).toBe("hi");
    expect(res.userId).toBe("usr_ana");
  });
});
