// Upload quotas: a user may have at most FLICK_MEDIA_MAX_PENDING_UPLOADS uploads started
// and not finished, and start at most FLICK_MEDIA_UPLOADS_PER_MINUTE (and _PER_HOUR) —
// RESOURCE_EXHAUSTED with a reason the client can show; retries are never refused.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Privacy, UploadKind } from "@flick/contracts/flick/video/v1/video_pb";
import { Code, rid } from "../../identity/test/support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { describeEachProfile } from "../../test/profiles.js";
import { newCreator, tusSend, type Creator } from "./support/api.js";
import { makeClip } from "./support/clips.js";

process.env.FLICK_MEDIA_MAX_PENDING_UPLOADS = "2";
process.env.FLICK_MEDIA_UPLOADS_PER_MINUTE = "3";
process.env.FLICK_MEDIA_UPLOADS_PER_HOUR = "100";

describeEachProfile("upload quotas", (c) => {
  let server: IsolatedServer;
  let dir: string;
  let clip: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "flick-quota-"));
    clip = await readFile(await makeClip(join(dir, "a.mp4"), { durationSec: 3.5 }));
    // No media worker: completing an upload is what frees a pending slot.
    server = await startIsolatedServer(c, {}, ["identity", "social", "video"]);
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const init = (u: Creator, requestId = rid()) =>
    u.uploads.initUpload({ requestId, kind: UploadKind.VIDEO, contentType: "video/mp4", sizeBytes: BigInt(clip.length), durationMs: 3500, width: 180, height: 320, fps: 25 });
  const complete = async (u: Creator, upload: { uploadId: string; uploadUrl: string }) => {
    await tusSend(upload.uploadUrl, u.token, clip, 64 * 1024);
    await u.uploads.completeUpload({ requestId: rid(), uploadId: upload.uploadId, privacy: Privacy.PUBLIC });
  };
  const refusal = async (call: Promise<unknown>) => {
    const e = await call.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ConnectError);
    expect((e as ConnectError).code).toBe(Code.ResourceExhausted);
    return (e as ConnectError).rawMessage;
  };

  it("refuses a third unfinished upload, never a retry, and frees the slot on completion", async () => {
    const ana = await newCreator(server);
    const first = { requestId: rid() };
    const a = await init(ana, first.requestId);
    await init(ana);
    expect(await refusal(init(ana))).toMatch(/2 uploads started but not finished \(at most 2\)/);
    // The same InitUpload again names the same upload: answered, not refused.
    expect((await init(ana, first.requestId)).uploadId).toBe(a.uploadId);
    await complete(ana, a);
    await init(ana);
    // Someone else's quota is their own.
    await init(await newCreator(server));
  });

  it("refuses more starts per minute than allowed, whatever is pending", async () => {
    const ben = await newCreator(server);
    for (let i = 0; i < 2; i++) await complete(ben, await init(ben));
    await init(ben);
    expect(await refusal(init(ben))).toMatch(/at most 3 uploads may be started per minute/);
  });

  it("counts no refused request against the quota", async () => {
    const cy = await newCreator(server);
    // Too large for the limits: INVALID_ARGUMENT, three times, and nothing counted.
    for (let i = 0; i < 3; i++) {
      const bad = cy.uploads.initUpload({ requestId: rid(), kind: UploadKind.VIDEO, contentType: "video/mp4", sizeBytes: 10n ** 12n, durationMs: 3500, width: 180, height: 320, fps: 25 });
      await expect(bad).rejects.toMatchObject({ code: Code.InvalidArgument });
    }
    await init(cy);
  });
});
