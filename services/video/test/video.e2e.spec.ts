// VideoService through a real server: who sees what (privacy, friends, private accounts,
// blocks either way), edits, deletion from every read model and the blob store, remixes
// with their source's rules, and the admin import.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Privacy, RemixKind, VideoStatus, type Video } from "@flick/contracts/flick/video/v1/video_pb";
import { UserVideoOrder } from "@flick/contracts/flick/video/v1/video_service_pb";
import { describeEachProfile } from "../../test/profiles.js";
import { Code, codeOf, eventually, rid } from "../../identity/test/support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { mediaClients, newCreator, publish, publishReady, upload, watchUntilDone, type Creator } from "./support/api.js";
import { makeClip } from "./support/clips.js";
import { copyOf, importAs } from "./support/fixtures.js";

const SERVICES = ["identity", "social", "video", "media", "sound", "hashtag"];

describeEachProfile("videos", (c) => {
  let server: IsolatedServer;
  let dir: string;
  let ana: Creator; // creator
  let bob: Creator; // ana's friend
  let cat: Creator; // stranger
  let dan: Creator; // blocked by ana
  let source: Video; // ana's processed public video
  let clip: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "flick-videos-e2e-"));
    server = await startIsolatedServer(c, {}, SERVICES);
    [ana, bob, cat, dan] = [await newCreator(server), await newCreator(server), await newCreator(server), await newCreator(server)];
    await bob.social.follow({ requestId: rid(), userId: ana.userId });
    await ana.social.follow({ requestId: rid(), userId: bob.userId });
    await ana.social.block({ requestId: rid(), userId: dan.userId });
    clip = await makeClip(join(dir, "clip.mp4"));
    const { videoId } = await publishReady(ana, clip, { caption: "source #Origin", duetEnabled: true, stitchEnabled: false });
    source = (await ana.videos.getVideo({ videoId })).video!;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const sees = async (who: Creator | ReturnType<typeof mediaClients>, videoId: string) => (await codeOf(who.videos.getVideo({ videoId }))) === "ok";

  it("shows each video to whom its privacy allows, and hides it across a block", async () => {
    const [pub, friends, priv] = await importAs(server, [
      copyOf(source, ana.userId, { caption: "public" }),
      copyOf(source, ana.userId, { privacy: Privacy.FRIENDS }),
      copyOf(source, ana.userId, { privacy: Privacy.PRIVATE }),
    ]);
    const anon = mediaClients(server);
    await eventually(async () => expect(await sees(anon, pub!)).toBe(true));
    expect(await sees(cat, pub!)).toBe(true);
    expect([await sees(ana, friends!), await sees(bob, friends!), await sees(cat, friends!), await sees(anon, friends!)]).toEqual([true, true, false, false]);
    expect([await sees(ana, priv!), await sees(bob, priv!), await sees(cat, priv!)]).toEqual([true, false, false]);
    // Blocked, in either direction: not found, not even the public one.
    expect(await codeOf(dan.videos.getVideo({ videoId: pub! }))).toBe(Code.NotFound);
    // GetVideos leaves out what the caller may not see, in request order.
    const batch = await cat.videos.getVideos({ videoIds: [priv!, pub!, "vid_missing", source.videoId] });
    expect(batch.videos.map((v) => v.videoId)).toEqual([pub, source.videoId]);
  });

  it("gives the player what it needs: creator, sound, playback per quality, thumbnail", async () => {
    const { video } = await cat.videos.getVideo({ videoId: source.videoId });
    expect(video!.creator!.username).toBe(ana.username);
    expect(video!.sound!.original).toBe(true);
    expect(video!.playback!.masterPlaylistUrl).toMatch(/^http:\/\/.+\/media\/videos\/.+\/master\.m3u8$/);
    expect(video!.playback!.renditions.map((r) => r.quality).every((q) => /^\d+p$/.test(q))).toBe(true);
    expect(video!.durationMs).toBeGreaterThan(3000);
    expect(video!.stats!.likes).toBe(0n); // engagement's, not counted here
    expect(video!.viewer!.followsCreator).toBe(false);
    expect((await bob.videos.getVideo({ videoId: source.videoId })).video!.viewer!.followsCreator).toBe(true);
    expect((await mediaClients(server).videos.getVideo({ videoId: source.videoId })).video!.viewer).toBeUndefined();
  });

  it("lists a profile's grid per viewer; a private account's only for approved followers", async () => {
    const eve = await newCreator(server, { private: true });
    const [older, newer] = await importAs(server, [
      copyOf(source, eve.userId, { createdAt: { seconds: BigInt(Math.floor(Date.now() / 1000) - 3600), nanos: 0 } }),
      copyOf(source, eve.userId),
    ]);
    await eventually(async () => expect((await eve.videos.listUserVideos({})).videos.map((v) => v.videoId)).toEqual([newer, older]));
    expect((await eve.videos.listUserVideos({ order: UserVideoOrder.OLDEST })).videos.map((v) => v.videoId)).toEqual([older, newer]);
    expect(await codeOf(cat.videos.listUserVideos({ userId: eve.userId }))).toBe(Code.PermissionDenied);
    expect(await codeOf(mediaClients(server).videos.listUserVideos({ userId: eve.userId }))).toBe(Code.PermissionDenied);
    expect(await codeOf(mediaClients(server).videos.listUserVideos({}))).toBe(Code.Unauthenticated);
    expect(await codeOf(dan.videos.listUserVideos({ userId: ana.userId }))).toBe(Code.NotFound);
    // Pages: one at a time, no repeats.
    const first = await eve.videos.listUserVideos({ limit: 1 });
    const second = await eve.videos.listUserVideos({ limit: 1, cursor: first.nextCursor });
    expect([...first.videos, ...second.videos].map((v) => v.videoId)).toEqual([newer, older]);
    expect(await codeOf(eve.videos.listUserVideos({ limit: 1, cursor: "garbage" }))).toBe(Code.InvalidArgument);
  });

  it("lets the creator edit caption, hashtags and privacy; nobody else", async () => {
    const [id] = await importAs(server, [copyOf(source, ana.userId, { caption: "old #One", hashtags: ["keep"] })]);
    await eventually(async () => expect(await sees(cat, id!)).toBe(true));
    const r = await ana.videos.updateVideo({ requestId: rid(), videoId: id!, caption: "new #Two", privacy: Privacy.PRIVATE });
    expect(r.video!.caption).toBe("new #Two");
    expect(r.video!.hashtags).toEqual(["two", "keep"]);
    expect(r.video!.privacy).toBe(Privacy.PRIVATE);
    await eventually(async () => expect(await sees(cat, id!)).toBe(false));
    expect(await codeOf(cat.videos.updateVideo({ requestId: rid(), videoId: id!, caption: "mine" }))).toBe(Code.PermissionDenied);
    expect(await codeOf(ana.videos.updateVideo({ requestId: rid(), videoId: "vid_nope", caption: "x" }))).toBe(Code.NotFound);
  });

  it("deletes a video from every read model and its media from the blob store", async () => {
    const { uploadId, videoId } = await publishReady(ana, clip, { caption: "bye #GoneSoon" });
    const { video } = await ana.videos.getVideo({ videoId });
    const master = video!.playback!.masterPlaylistUrl;
    expect((await fetch(master)).status).toBe(200);
    await eventually(async () => expect((await cat.hashtags.listHashtagVideos({ name: "gonesoon" })).videos).toHaveLength(1));
    expect(await codeOf(cat.videos.deleteVideo({ requestId: rid(), videoId }))).toBe(Code.PermissionDenied);
    await ana.videos.deleteVideo({ requestId: rid(), videoId });
    await ana.videos.deleteVideo({ requestId: rid(), videoId }); // idempotent
    expect(await codeOf(ana.videos.getVideo({ videoId }))).toBe(Code.NotFound);
    expect((await ana.videos.listUserVideos({})).videos.map((v) => v.videoId)).not.toContain(videoId);
    await eventually(async () => expect(await codeOf(cat.hashtags.getHashtag({ name: "gonesoon" }))).toBe(Code.NotFound));
    expect((await cat.hashtags.listHashtagVideos({ name: "gonesoon" })).videos).toHaveLength(0);
    expect((await fetch(master)).status).toBe(404);
    expect((await ana.uploads.getUploadStatus({ uploadId })).status!.videoId).toBe(videoId);
    expect(await codeOf(ana.videos.deleteVideo({ requestId: rid(), videoId: "vid_never" }))).toBe(Code.NotFound);
  });

  it("makes a duet of a duet-enabled public video and lists it as a remix", async () => {
    const { videoId } = await publishReady(bob, clip, { remix: { case: "duet", value: { sourceVideoId: source.videoId } } });
    const { video } = await bob.videos.getVideo({ videoId });
    expect(video!.remix.case).toBe("duetOf");
    expect(video!.width).toBeGreaterThan(video!.height / 2); // side by side
    expect(video!.sound!.soundId).toBe(source.sound!.soundId); // a duet plays with its source's sound
    // That sound is ana's original: its author's name comes from her profile, not bob's.
    expect(video!.sound!.authorName).not.toBe("");
    expect(video!.sound!.authorName).toBe((await cat.videos.getVideo({ videoId: source.videoId })).video!.sound!.authorName);
    expect(video!.sound!.authorName).not.toBe(video!.creator!.displayName || video!.creator!.username);
    await eventually(async () => expect((await cat.videos.listVideoRemixes({ videoId: source.videoId })).videos.map((v) => v.videoId)).toEqual([videoId]));
    expect((await cat.videos.listVideoRemixes({ videoId: source.videoId, kind: RemixKind.STITCH })).videos).toEqual([]);
    expect(await codeOf(dan.videos.listVideoRemixes({ videoId: source.videoId }))).toBe(Code.NotFound);
  });

  it("enforces the source's rules on remixes: switches, privacy, blocks, the clip", async () => {
    const uploadId = await upload(cat, clip);
    const complete = (who: Creator, remix: unknown, up = uploadId) => codeOf(who.uploads.completeUpload({ requestId: rid(), uploadId: up, privacy: Privacy.PUBLIC, remix } as never));
    // Stitches are off on the source.
    expect(await complete(cat, { case: "stitch", value: { sourceVideoId: source.videoId, clipStartMs: 0, clipEndMs: 1000 } })).toBe(Code.FailedPrecondition);
    const [noDuets, priv] = await importAs(server, [copyOf(source, ana.userId, { duetEnabled: false }), copyOf(source, ana.userId, { privacy: Privacy.PRIVATE })]);
    await eventually(async () => expect(await sees(cat, noDuets!)).toBe(true));
    expect(await complete(cat, { case: "duet", value: { sourceVideoId: noDuets } })).toBe(Code.FailedPrecondition);
    expect(await complete(cat, { case: "duet", value: { sourceVideoId: priv } })).toBe(Code.NotFound);
    expect(await complete(cat, { case: "duet", value: { sourceVideoId: "vid_missing" } })).toBe(Code.NotFound);
    const [stitchable] = await importAs(server, [copyOf(source, ana.userId)]);
    // More than 5 s, or past the source's end.
    expect(await complete(cat, { case: "stitch", value: { sourceVideoId: stitchable, clipStartMs: 0, clipEndMs: 5001 } })).toBe(Code.InvalidArgument);
    expect(await complete(cat, { case: "stitch", value: { sourceVideoId: stitchable, clipStartMs: 3000, clipEndMs: 7000 } })).toBe(Code.InvalidArgument);
    // Ana blocked Dan: no remixes across the block.
    const danUpload = await upload(dan, clip);
    expect(await complete(dan, { case: "duet", value: { sourceVideoId: stitchable } }, danUpload)).toBe(Code.PermissionDenied);
    // None of the refusals used the upload up.
    const ok = await cat.uploads.completeUpload({ requestId: rid(), uploadId, privacy: Privacy.PUBLIC, remix: { case: "stitch", value: { sourceVideoId: stitchable!, clipStartMs: 500, clipEndMs: 2500 } } });
    const seen = await watchUntilDone(cat, uploadId);
    expect(seen.at(-1)!.failureMessage).toBe("");
    const { video } = await cat.videos.getVideo({ videoId: ok.videoId });
    expect(video!.remix.case).toBe("stitchOf");
    expect(video!.durationMs).toBeGreaterThan(source.durationMs + 1500); // the clip, then the upload
  });

  it("completes an upload once: the same request again answers the same, another is refused", async () => {
    const uploadId = await upload(cat, clip);
    const requestId = rid();
    const first = await cat.uploads.completeUpload({ requestId, uploadId, privacy: Privacy.PUBLIC });
    const again = await cat.uploads.completeUpload({ requestId, uploadId, privacy: Privacy.PUBLIC });
    expect(again.videoId).toBe(first.videoId);
    expect(await codeOf(cat.uploads.completeUpload({ requestId: rid(), uploadId, privacy: Privacy.PUBLIC }))).toBe(Code.FailedPrecondition);
    expect(await codeOf(ana.uploads.completeUpload({ requestId: rid(), uploadId, privacy: Privacy.PUBLIC }))).toBe(Code.NotFound);
    expect(await codeOf(ana.uploads.getUploadStatus({ uploadId }))).toBe(Code.NotFound);
    // The creator sees it at once, still processing (or ready already).
    const { video } = await cat.videos.getVideo({ videoId: first.videoId });
    expect([VideoStatus.PROCESSING, VideoStatus.READY]).toContain(video!.status);
    await watchUntilDone(cat, uploadId);
  });

  it("publishes an import at once as READY, with its original time; admins only", async () => {
    const createdAt = { seconds: BigInt(Math.floor(Date.parse("2025-06-01T12:00:00Z") / 1000)), nanos: 0 };
    const [id] = await importAs(server, [copyOf(source, cat.userId, { caption: "from the archive #Archive", createdAt })]);
    const { video } = await eventually(() => cat.videos.getVideo({ videoId: id! }));
    expect(video!.status).toBe(VideoStatus.READY);
    expect(video!.createdAt!.seconds).toBe(createdAt.seconds);
    expect(video!.hashtags).toEqual(["archive"]);
    expect(await codeOf(cat.videos.importVideos({ requestId: rid(), videos: [copyOf(source, cat.userId)] }))).toBe(Code.PermissionDenied);
    // Per item: a missing creator or asset fails that item only.
    const admin = mediaClients(server, await server.token("usr_admin_test", "admin"));
    const r = await admin.videos.importVideos({
      requestId: rid(),
      videos: [copyOf(source, "usr_nobody"), copyOf(source, cat.userId, { thumbnailPath: "nowhere/thumb.webp" }), copyOf(source, cat.userId)],
    });
    expect(r.results.map((x) => x.errorCode)).toEqual(["not_found", "failed_precondition", ""]);
    expect([r.importedCount, r.failedCount]).toEqual([1, 2]);
    // The same id with another video is refused; the same video again is fine.
    const again = await admin.videos.importVideos({ requestId: rid(), videos: [copyOf(source, cat.userId, { videoId: id })] });
    expect(again.results[0]!.errorCode).toBe("");
    const clash = await admin.videos.importVideos({ requestId: rid(), videos: [copyOf(source, ana.userId, { videoId: id })] });
    expect(clash.results[0]!.errorCode).toBe("already_exists");
  });

  it("takes a deleted account's videos down with it", async () => {
    const gil = await newCreator(server);
    const tag = `gone${rid().slice(3, 11).toLowerCase()}`;
    await importAs(server, [copyOf(source, gil.userId, { caption: `#${tag}` })]);
    await eventually(async () => expect((await cat.hashtags.getHashtag({ name: tag })).hashtag!.videoCount).toBe(1n));
    await gil.accounts.deleteAccount({ requestId: rid(), password: gil.password });
    await eventually(async () => expect(await codeOf(cat.hashtags.getHashtag({ name: tag }))).toBe(Code.NotFound), 20_000);
  });

  it("resolves @mentions of existing users, and re-reads them with a new caption", async () => {
    const [id] = await importAs(server, [copyOf(source, ana.userId, { caption: `hi @${bob.username} and @nobody_${rid().slice(3, 9)}` })]);
    const { video } = await eventually(() => ana.videos.getVideo({ videoId: id! }));
    expect(video!.mentions.map((m) => m.username)).toEqual([bob.username]);
    const r = await ana.videos.updateVideo({ requestId: rid(), videoId: id!, caption: `now @${cat.username}` });
    expect(r.video!.mentions.map((m) => m.username)).toEqual([cat.username]);
  });

  it("completing right after the last byte works even before the receipt is processed", async () => {
    const { videoId, uploadId } = await publish(ana, clip, { privacy: Privacy.PRIVATE });
    expect(videoId).toMatch(/^vid_/);
    await watchUntilDone(ana, uploadId);
  });
});
