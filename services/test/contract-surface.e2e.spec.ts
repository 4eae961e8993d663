// The API surface as a client meets it before any feature lands: access rules from the
// protos, protovalidate on every request, UNIMPLEMENTED (never fake data) behind them.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountService } from "@flick/contracts/flick/identity/v1/account_service_pb";
import { SearchService } from "@flick/contracts/flick/search/v1/search_service_pb";
import { EngagementService } from "@flick/contracts/flick/engagement/v1/engagement_service_pb";
import { VideoService } from "@flick/contracts/flick/video/v1/video_service_pb";
import { startTestServer, type TestServer } from "./support.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const transport = () => createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" });
const fail = (p: Promise<unknown>) => p.then(() => undefined, (e) => ConnectError.from(e));
const fields = (err: ConnectError | undefined) =>
  err?.findDetails(ViolationsSchema)[0]?.violations.map((v) => v.field?.elements.map((e) => e.fieldName).join(".")) ?? [];

describe("API surface before features land", () => {
  it("validates an anonymous command and names every bad field", async () => {
    const accounts = createClient(AccountService, transport());
    const err = await fail(
      accounts.register({ requestId: "short", contact: { case: "email", value: "not-an-email" }, password: "x", username: "no spaces!" }),
    );
    expect(err?.code).toBe(Code.InvalidArgument);
    expect(fields(err)).toEqual(expect.arrayContaining(["request_id", "email", "password", "username"]));
  });

  it("answers a valid request to a feature not built yet with UNIMPLEMENTED", async () => {
    const search = createClient(SearchService, transport());
    const err = await fail(search.searchVideos({ q: "dance", limit: 10 }));
    expect(err?.code).toBe(Code.Unimplemented);
  });

  it("refuses a signed-in-only RPC without a token before validating it", async () => {
    const engagement = createClient(EngagementService, transport());
    const err = await fail(engagement.likeVideo({ requestId: "req-00000001", videoId: "vid_1" }));
    expect(err?.code).toBe(Code.Unauthenticated);
  });

  it("refuses an admin-only RPC to a plain user", async () => {
    const videos = createClient(VideoService, transport());
    const token = await server.token("usr_plain", "user");
    const err = await fail(videos.importVideos({ requestId: "req-00000001" }, { headers: { authorization: `Bearer ${token}` } }));
    expect(err?.code).toBe(Code.PermissionDenied);
  });

  it("lets an admin through to validation", async () => {
    const videos = createClient(VideoService, transport());
    const token = await server.token("usr_admin", "admin");
    const err = await fail(videos.importVideos({ requestId: "req-00000001" }, { headers: { authorization: `Bearer ${token}` } }));
    expect([Code.InvalidArgument, Code.Unimplemented]).toContain(err?.code);
  });
});
