// Bad input and security, RPC by RPC, for UploadService, VideoService, SoundService and
// HashtagService (PeerTube's check-params habit): missing, too long and wrongly typed
// fields, bad tokens, someone else's resources, admin-only calls.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ColorFilter, Privacy, Speed, UploadKind } from "@flick/contracts/flick/video/v1/video_pb";
import { describeEachProfile } from "../../test/profiles.js";
import { Code, codeOf, rid } from "../../identity/test/support/api.js";
import { badTokens } from "../../identity/test/support/tokens.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { mediaClients, newCreator, type Creator, type MediaClients } from "./support/api.js";
import { copyOf } from "./support/fixtures.js";

const long = (n: number, ch = "x") => ch.repeat(n);
const SERVICES = ["identity", "social", "video", "sound", "hashtag"];

describeEachProfile("video, sound and hashtag check-params", (c) => {
  let server: IsolatedServer;
  let ana: Creator;
  let bob: Creator;
  let anon: MediaClients;
  let admin: MediaClients;
  let bad: Record<"expired" | "forged" | "garbage", string>;
  let anaUpload: string; // declared, no bytes yet
  let anaImage: string;

  beforeAll(async () => {
    server = await startIsolatedServer(c, {}, SERVICES);
    [ana, bob] = [await newCreator(server), await newCreator(server)];
    anon = mediaClients(server);
    admin = mediaClients(server, await server.token("usr_admin_cp", "admin"));
    bad = await badTokens(server, ana.userId);
    anaUpload = (await ana.uploads.initUpload(video())).uploadId;
    anaImage = (await ana.uploads.initUpload({ requestId: rid(), kind: UploadKind.IMAGE, contentType: "image/png", sizeBytes: 1000n, width: 500, height: 500 })).uploadId;
  });
  afterAll(() => server?.close());

  const video = (over: Record<string, unknown> = {}) =>
    ({ requestId: rid(), kind: UploadKind.VIDEO, contentType: "video/mp4", sizeBytes: 1_000_000n, durationMs: 15_000, width: 720, height: 1280, fps: 30, ...over }) as never;
  const code = codeOf;

  /** Refuses anonymous callers and bad tokens. */
  async function signedInOnly(call: (cl: MediaClients) => Promise<unknown>) {
    expect(await code(call(anon))).toBe(Code.Unauthenticated);
    for (const token of Object.values(bad)) expect(await code(call(mediaClients(server, token)))).toBe(Code.Unauthenticated);
  }

  /** A raw Connect JSON call, for values of the wrong type. */
  async function rawCode(path: string, body: string, token = ana.token): Promise<string> {
    const res = await fetch(`${server.baseUrl}/${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
    return ((await res.json()) as { code?: string }).code ?? "ok";
  }

  describe("UploadService", () => {
    it("InitUpload", async () => {
      await signedInOnly((cl) => cl.uploads.initUpload(video()));
      const cases: Record<string, unknown>[] = [
        { requestId: "" },
        { requestId: long(65) },
        { kind: UploadKind.UNSPECIFIED },
        { contentType: "" },
        { contentType: "image/png" }, // not a video type
        { contentType: "video/x-msvideo" }, // not in the allowlist
        { sizeBytes: 0n },
        { sizeBytes: 300n * 1024n * 1024n }, // over the configured 200 MB
        { durationMs: 61_000 }, // over the configured 60 s
        { durationMs: 2000 }, // under 3 s
        { width: 7681 },
        { width: 64, height: 100 }, // too small to watch
        { fps: 0 },
      ];
      for (const over of cases) expect([over, await code(ana.uploads.initUpload(video(over)))]).toEqual([over, Code.InvalidArgument]);
      expect(await rawCode("flick.video.v1.UploadService/InitUpload", `{"requestId":"${rid()}","kind":"UPLOAD_KIND_VIDEO","sizeBytes":"lots"}`)).toBe("invalid_argument");
      expect(await code(ana.uploads.initUpload(video({ kind: UploadKind.AUDIO, contentType: "audio/mp4", width: 0, height: 0, fps: 0 })))).toBe(Code.PermissionDenied);
    });

    it("CompleteUpload", async () => {
      const complete = (over: Record<string, unknown>, who: MediaClients = ana) => code(who.uploads.completeUpload({ requestId: rid(), uploadId: anaUpload, privacy: Privacy.PUBLIC, ...over } as never));
      await signedInOnly((cl) => cl.uploads.completeUpload({ requestId: rid(), uploadId: anaUpload, privacy: Privacy.PUBLIC }));
      for (const over of [
        { uploadId: "" },
        { uploadId: "../etc" },
        { caption: long(2201) },
        { hashtags: [long(31)] },
        { hashtags: ["no spaces"] },
        { hashtags: Array.from({ length: 31 }, (_, i) => `t${i}`) },
        { caption: Array.from({ length: 31 }, (_, i) => `#t${i}`).join(" ") },
        { privacy: Privacy.UNSPECIFIED },
        { soundId: "snd_x", remix: { case: "duet", value: { sourceVideoId: "vid_x" } } },
        { remix: { case: "stitch", value: { sourceVideoId: "vid_x", clipStartMs: 0, clipEndMs: 5001 } } },
        { remix: { case: "stitch", value: { sourceVideoId: "vid_x", clipStartMs: 3000, clipEndMs: 2000 } } },
        { thumbnailOffsetMs: -1 },
        { effects: { colorFilter: 99 as ColorFilter } },
      ]) {
        expect([over, await complete(over)]).toEqual([over, Code.InvalidArgument]);
      }
      expect(await rawCode("flick.video.v1.UploadService/CompleteUpload", `{"requestId":"${rid()}","uploadId":"${anaUpload}","privacy":"PRIVACY_PUBLIC","caption":42}`)).toBe("invalid_argument");
      expect(await complete({}, bob)).toBe(Code.NotFound); // someone else's upload
      expect(await complete({ uploadId: "upl_unknown" })).toBe(Code.NotFound);
      expect(await complete({})).toBe(Code.FailedPrecondition); // no bytes yet
      expect(await complete({ effects: { greenScreen: { backgroundUploadId: "upl_unknown" } } })).toBe(Code.NotFound);
      const bobImage = (await bob.uploads.initUpload({ requestId: rid(), kind: UploadKind.IMAGE, contentType: "image/png", sizeBytes: 1000n, width: 500, height: 500 })).uploadId;
      expect(await complete({ effects: { greenScreen: { backgroundUploadId: bobImage } } })).toBe(Code.NotFound);
      expect(await complete({ uploadId: anaImage })).toBe(Code.FailedPrecondition); // not a video
      // Effects that would publish a video outside the limits, or that the media layer lacks.
      const forty = (await ana.uploads.initUpload(video({ durationMs: 40_000 }))).uploadId;
      expect(await complete({ uploadId: forty, effects: { speed: Speed.SPEED_0_5X } })).toBe(Code.InvalidArgument);
      expect(await complete({ uploadId: forty, effects: { speed: Speed.SPEED_2X } })).toBe(Code.FailedPrecondition); // fine, but no bytes yet
    });

    it("GetUploadStatus and WatchUploadStatus", async () => {
      await signedInOnly((cl) => cl.uploads.getUploadStatus({ uploadId: anaUpload }));
      expect(await code(ana.uploads.getUploadStatus({ uploadId: "" }))).toBe(Code.InvalidArgument);
      expect(await code(ana.uploads.getUploadStatus({ uploadId: long(65) }))).toBe(Code.InvalidArgument);
      expect(await code(bob.uploads.getUploadStatus({ uploadId: anaUpload }))).toBe(Code.NotFound);
      const watch = async (cl: MediaClients, uploadId: string) => {
        for await (const _ of cl.uploads.watchUploadStatus({ uploadId }, { timeoutMs: 2000 })) break;
      };
      await signedInOnly((cl) => watch(cl, anaUpload));
      expect(await code(watch(ana, "bad id!"))).toBe(Code.InvalidArgument);
      expect(await code(watch(bob, anaUpload))).toBe(Code.NotFound);
    });

    it("the upload endpoint refuses other users and missing tokens", async () => {
      const { uploadUrl } = await ana.uploads.initUpload(video());
      const head = (token?: string) => fetch(uploadUrl, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0", ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
      expect((await head(ana.token)).status).toBe(200);
      expect((await head()).status).toBe(401);
      expect((await head(bad.forged)).status).toBe(401);
      expect((await head(bob.token)).status).toBe(404);
      expect((await fetch(uploadUrl, { headers: { Authorization: `Bearer ${ana.token}` } })).status).toBe(405); // never downloadable
    });
  });

  describe("VideoService", () => {
    it("GetVideo and GetVideos", async () => {
      for (const videoId of ["", long(65), "no spaces"]) expect(await code(anon.videos.getVideo({ videoId }))).toBe(Code.InvalidArgument);
      expect(await code(anon.videos.getVideo({ videoId: "vid_unknown" }))).toBe(Code.NotFound);
      expect(await rawCode("flick.video.v1.VideoService/GetVideo", `{"videoId":5}`)).toBe("invalid_argument");
      for (const videoIds of [[], Array.from({ length: 101 }, (_, i) => `v${i}`), ["a", "a"], ["bad id"]]) {
        expect(await code(anon.videos.getVideos({ videoIds }))).toBe(Code.InvalidArgument);
      }
    });

    it("UpdateVideo", async () => {
      await signedInOnly((cl) => cl.videos.updateVideo({ requestId: rid(), videoId: "vid_x", caption: "x" }));
      for (const over of [{}, { caption: long(2201) }, { privacy: Privacy.UNSPECIFIED }, { hashtags: { names: [long(31)] } }, { videoId: "" }]) {
        expect([over, await code(ana.videos.updateVideo({ requestId: rid(), videoId: "vid_x", ...over } as never))]).toEqual([over, Code.InvalidArgument]);
      }
      expect(await code(ana.videos.updateVideo({ requestId: rid(), videoId: "vid_unknown", caption: "x" }))).toBe(Code.NotFound);
    });

    it("DeleteVideo", async () => {
      await signedInOnly((cl) => cl.videos.deleteVideo({ requestId: rid(), videoId: "vid_x" }));
      expect(await code(ana.videos.deleteVideo({ requestId: "short", videoId: "vid_x" }))).toBe(Code.InvalidArgument);
      expect(await code(ana.videos.deleteVideo({ requestId: rid(), videoId: "" }))).toBe(Code.InvalidArgument);
      expect(await code(ana.videos.deleteVideo({ requestId: rid(), videoId: "vid_unknown" }))).toBe(Code.NotFound);
    });

    it("ListUserVideos and ListVideoRemixes", async () => {
      for (const over of [{ limit: 101 }, { limit: -1 }, { cursor: long(513) }, { userId: "bad id" }, { order: 99 }]) {
        expect([over, await code(ana.videos.listUserVideos(over as never))]).toEqual([over, Code.InvalidArgument]);
      }
      expect(await code(anon.videos.listUserVideos({}))).toBe(Code.Unauthenticated);
      expect(await code(anon.videos.listUserVideos({ userId: "usr_unknown" }))).toBe(Code.NotFound);
      for (const over of [{ videoId: "" }, { videoId: "vid_x", limit: 101 }, { videoId: "vid_x", kind: 9 }, { videoId: "vid_x", cursor: long(513) }]) {
        expect([over, await code(anon.videos.listVideoRemixes(over as never))]).toEqual([over, Code.InvalidArgument]);
      }
      expect(await code(anon.videos.listVideoRemixes({ videoId: "vid_unknown" }))).toBe(Code.NotFound);
    });

    it("ImportVideos", async () => {
      const source = { videoId: "vid_x", durationMs: 10_000, width: 720, height: 1280, thumbnailUrl: "http://h/media/a/thumb.webp", playback: { masterPlaylistUrl: "http://h/media/a/master.m3u8", renditions: [{ quality: "720p", width: 720, height: 1280, bandwidth: 1000, playlistUrl: "http://h/media/a/720/index.m3u8" }] } } as never;
      const item = (over: Record<string, unknown> = {}) => copyOf(source, ana.userId, over);
      expect(await code(ana.videos.importVideos({ requestId: rid(), videos: [item()] }))).toBe(Code.PermissionDenied);
      expect(await code(anon.videos.importVideos({ requestId: rid(), videos: [item()] }))).toBe(Code.Unauthenticated);
      for (const videos of [
        [],
        Array.from({ length: 501 }, () => item()),
        [item({ durationMs: 180_001 })],
        [item({ masterPlaylistPath: "../../etc/passwd.m3u8" })],
        [item({ thumbnailPath: "" })],
        [item({ renditions: [] })],
        [item({ sound: { case: undefined } })],
        [item({ caption: long(2201) })],
        [item({ createdAt: { seconds: BigInt(Math.floor(Date.now() / 1000) + 3600), nanos: 0 } })],
        [item({ creatorUserId: "" })],
      ]) {
        expect(await code(admin.videos.importVideos({ requestId: rid(), videos }))).toBe(Code.InvalidArgument);
      }
    });
  });

  describe("SoundService", () => {
    it("GetSound, ListSoundVideos, BrowseSounds", async () => {
      for (const soundId of ["", long(65), "bad id"]) expect(await code(anon.sounds.getSound({ soundId }))).toBe(Code.InvalidArgument);
      expect(await code(anon.sounds.getSound({ soundId: "snd_unknown" }))).toBe(Code.NotFound);
      expect(await code(anon.sounds.listSoundVideos({ soundId: "" }))).toBe(Code.InvalidArgument);
      expect(await code(anon.sounds.listSoundVideos({ soundId: "snd_x", limit: 101 }))).toBe(Code.InvalidArgument);
      expect(await code(anon.sounds.listSoundVideos({ soundId: "snd_unknown" }))).toBe(Code.NotFound);
      for (const over of [{ order: 9 }, { origin: 9 }, { limit: 101 }, { cursor: long(513) }, { cursor: "junk" }]) {
        expect([over, await code(anon.sounds.browseSounds(over as never))]).toEqual([over, Code.InvalidArgument]);
      }
    });

    it("SaveSound, UnsaveSound, ListSavedSounds", async () => {
      await signedInOnly((cl) => cl.sounds.saveSound({ requestId: rid(), soundId: "snd_x" }));
      await signedInOnly((cl) => cl.sounds.unsaveSound({ requestId: rid(), soundId: "snd_x" }));
      await signedInOnly((cl) => cl.sounds.listSavedSounds({}));
      expect(await code(ana.sounds.saveSound({ requestId: "", soundId: "snd_x" }))).toBe(Code.InvalidArgument);
      expect(await code(ana.sounds.unsaveSound({ requestId: rid(), soundId: "" }))).toBe(Code.InvalidArgument);
      expect(await code(ana.sounds.saveSound({ requestId: rid(), soundId: "snd_unknown" }))).toBe(Code.NotFound);
      expect(await code(ana.sounds.unsaveSound({ requestId: rid(), soundId: "snd_unknown" }))).toBe(Code.NotFound);
      expect(await code(ana.sounds.listSavedSounds({ limit: 101 }))).toBe(Code.InvalidArgument);
    });

    it("ImportLibrarySound", async () => {
      const req = (over: Record<string, unknown> = {}) => ({ requestId: rid(), title: "T", audio: { case: "audioPath", value: "x/a.m4a" }, durationMs: 1000, ...over }) as never;
      expect(await code(ana.sounds.importLibrarySound(req()))).toBe(Code.PermissionDenied);
      for (const over of [{ title: "" }, { title: long(101) }, { artist: long(101) }, { audio: { case: undefined } }, { durationMs: 0 }, { audio: { case: "audioPath", value: "../x.m4a" } }, { soundId: "bad id" }]) {
        expect([over, await code(admin.sounds.importLibrarySound(req(over)))]).toEqual([over, Code.InvalidArgument]);
      }
      expect(await code(admin.sounds.importLibrarySound(req({ audio: { case: "uploadId", value: "upl_unknown" } })))).toBe(Code.NotFound);
      expect(await code(admin.sounds.importLibrarySound(req()))).toBe(Code.FailedPrecondition); // not in the store
    });
  });

  describe("HashtagService", () => {
    it("GetHashtag and ListHashtagVideos", async () => {
      for (const name of ["", long(31), "two words", "#tag"]) {
        expect(await code(anon.hashtags.getHashtag({ name }))).toBe(Code.InvalidArgument);
        expect(await code(anon.hashtags.listHashtagVideos({ name }))).toBe(Code.InvalidArgument);
      }
      expect(await code(anon.hashtags.getHashtag({ name: "neverusedhere" }))).toBe(Code.NotFound);
      expect(await code(anon.hashtags.listHashtagVideos({ name: "x", limit: 101 }))).toBe(Code.InvalidArgument);
      expect(await code(anon.hashtags.listHashtagVideos({ name: "x", cursor: "junk" }))).toBe(Code.InvalidArgument);
    });
  });
});
