import { create, createRegistry } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { file_grpc_health_v1_health, HealthCheckRequestSchema } from "@flick/contracts/grpc/health/v1/health_pb";
import { createJsonCodec, createProtobufCodec } from "../src/index.js";

describe("JSON codec", () => {
  type E = { type: "Sealed"; secret: Uint8Array; size: bigint; name: string };
  const codec = createJsonCodec<E>({ prefix: "test.", knownTypes: ["Sealed"] });

  it("round-trips bytes and bigints", () => {
    const event: E = { type: "Sealed", secret: new Uint8Array([1, 2, 255]), size: 2n ** 60n, name: "x" };
    const enc = codec.encode(event);
    expect(enc.type).toBe("test.Sealed");
    expect(codec.decode({ ...enc, contentType: "application/json" })).toEqual(event);
  });

  it("round-trips Buffers as bytes too", () => {
    const enc = codec.encode({ type: "Sealed", secret: Buffer.from([7, 8]), size: 1n, name: "b" });
    const back = codec.decode({ ...enc, contentType: "application/json" })!;
    expect([...back.secret]).toEqual([7, 8]);
  });

  it("skips types it does not know (tolerant reader)", () => {
    expect(codec.decode({ type: "test.Other", data: new Uint8Array(), contentType: "application/json" })).toBeUndefined();
    expect(codec.decode({ type: "else.Sealed", data: new Uint8Array(), contentType: "application/json" })).toBeUndefined();
  });
});

describe("protobuf codec", () => {
  const codec = createProtobufCodec(createRegistry(file_grpc_health_v1_health));

  it("stores the message type name and binary payload, and reads it back", () => {
    const msg = create(HealthCheckRequestSchema, { service: "flick.video.v1.VideoService" });
    const enc = codec.encode(msg);
    expect(enc.type).toBe("grpc.health.v1.HealthCheckRequest");
    expect(enc.contentType).toBe("application/octet-stream");
    expect(codec.decode({ ...enc, contentType: "application/octet-stream" })).toEqual(msg);
  });

  it("reads JSON payloads too", () => {
    const data = new TextEncoder().encode(JSON.stringify({ service: "s" }));
    const decoded = codec.decode({ type: "grpc.health.v1.HealthCheckRequest", data, contentType: "application/json" });
    expect(decoded).toEqual(create(HealthCheckRequestSchema, { service: "s" }));
  });

  it("skips unknown message types", () => {
    expect(codec.decode({ type: "flick.events.v1.Nope", data: new Uint8Array(), contentType: "application/octet-stream" })).toBeUndefined();
  });
});
