// SoundService through a real server: original sounds from uploads, "use this sound",
// usage counts and browsing, favourites, and the admin import of library tracks.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SoundOrder, SoundOrigin } from "@flick/contracts/flick/sound/v1/sound_service_pb";
import { Privacy, UploadKind } from "@flick/contracts/flick/video/v1/video_pb";
import { runFfmpeg } from "@flick/media";
import { describeEachProfile } from "../../test/profiles.js";
import { Code, codeOf, eventually, rid } from "../../identity/test/support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { keyOf, mediaClients, newCreator, publishReady, tusSend, type Creator } from "../../video/test/support/api.js";
import { makeClip } from "../../video/test/support/clips.js";

const SERVICES = ["identity", "social", "video", "media", "sound", "hashtag"];

describeEachProfile("sounds", (c) => {
  let server: IsolatedServer;
  let dir: string;
  let ana: Creator;
  let bob: Creator;
  let admin: ReturnType<typeof mediaClients> & { token: string };
  let original: string; // ana's original sound
  let anaVideo: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "flick-sounds-e2e-"));
    server = await startIsolatedServer(c, {}, SERVICES);
    [ana, bob] = [await newCreator(server), await newCreator(server)];
    const token = await server.token("usr_sound_admin", "admin");
    admin = { ...mediaClients(server, token), token };
    const clip = await makeClip(join(dir, "clip.mp4"), { tone: 660 });
    anaVideo = (await publishReady(ana, clip)).videoId;
    original = (await ana.videos.getVideo({ videoId: anaVideo })).video!.sound!.soundId;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("makes an upload's audio an original sound, credited to its creator", async () => {
    const { sound } = await eventually(() => bob.sounds.getSound({ soundId: original }));
    expect(sound!.original).toBe(true);
    expect(sound!.author!.userId).toBe(ana.userId);
    expect(sound!.sourceVideoId).toBe(anaVideo);
    expect(sound!.usageCount).toBe(1n);
    expect(sound!.durationMs).toBeGreaterThan(3000);
    expect((await fetch(sound!.audioUrl)).status).toBe(200);
    expect(await codeOf(bob.sounds.getSound({ soundId: "snd_nope" }))).toBe(Code.NotFound);
  });

  it("lets others use the sound: the audio is replaced and the usage counted", async () => {
    const silent = await makeClip(join(dir, "silent.mp4"), { audio: false });
    const { videoId } = await publishReady(bob, silent, { soundId: original });
    const { video } = await bob.videos.getVideo({ videoId });
    expect(video!.sound!.soundId).toBe(original);
    await eventually(async () => expect((await bob.sounds.getSound({ soundId: original })).sound!.usageCount).toBe(2n));
    expect((await bob.sounds.listSoundVideos({ soundId: original })).videos.map((v) => v.videoId)).toEqual([videoId, anaVideo]);
    expect(await codeOf(bob.sounds.listSoundVideos({ soundId: "snd_nope" }))).toBe(Code.NotFound);
    // An unknown sound is refused before anything is published.
    const uploadId = await (async () => {
      const bytes = await readFile(silent);
      const init = await bob.uploads.initUpload({ requestId: rid(), kind: UploadKind.VIDEO, contentType: "video/mp4", sizeBytes: BigInt(bytes.length), durationMs: 3500, width: 180, height: 320, fps: 25 });
      await tusSend(init.uploadUrl, bob.token, bytes, 1 << 20);
      return init.uploadId;
    })();
    expect(await codeOf(bob.uploads.completeUpload({ requestId: rid(), uploadId, privacy: Privacy.PUBLIC, soundId: "snd_nope" }))).toBe(Code.NotFound);
  });

  it("imports library tracks (admins), from an audio upload or a stored file", async () => {
    const track = join(dir, "track.m4a");
    await runFfmpeg(["-y", "-f", "lavfi", "-i", "sine=f=300:d=4", "-c:a", "aac", track]);
    const bytes = await readFile(track);
    const init = await admin.uploads.initUpload({ requestId: rid(), kind: UploadKind.AUDIO, contentType: "audio/mp4", sizeBytes: BigInt((await stat(track)).size), durationMs: 4000 });
    await tusSend(init.uploadUrl, admin.token, bytes, 1 << 20);
    const { sound } = await eventually(() => admin.sounds.importLibrarySound({ requestId: rid(), title: "Test Tune", artist: "The Testers", audio: { case: "uploadId", value: init.uploadId }, durationMs: 4000 }));
    expect(sound!.original).toBe(false);
    expect(sound!.artist).toBe("The Testers");
    expect((await fetch(sound!.audioUrl)).status).toBe(200);
    // From a file already in the store, under a fixed id; again with the same content is fine.
    const audioPath = keyOf((await ana.sounds.getSound({ soundId: original })).sound!.audioUrl);
    const fixed = `snd_lib_${rid().slice(3, 13)}`;
    const req = { requestId: rid(), soundId: fixed, title: "Stored", audio: { case: "audioPath" as const, value: audioPath }, durationMs: 3500 };
    expect((await admin.sounds.importLibrarySound(req)).sound!.soundId).toBe(fixed);
    expect((await admin.sounds.importLibrarySound({ ...req, requestId: rid() })).sound!.soundId).toBe(fixed);
    expect(await codeOf(admin.sounds.importLibrarySound({ ...req, requestId: rid(), title: "Another" }))).toBe(Code.AlreadyExists);
    expect(await codeOf(admin.sounds.importLibrarySound({ ...req, requestId: rid(), soundId: "", durationMs: 30_000 }))).toBe(Code.FailedPrecondition);
    expect(await codeOf(admin.sounds.importLibrarySound({ ...req, requestId: rid(), soundId: "", audio: { case: "audioPath", value: "nowhere/x.m4a" } }))).toBe(Code.FailedPrecondition);
    expect(await codeOf(ana.sounds.importLibrarySound({ ...req, requestId: rid() }))).toBe(Code.PermissionDenied);
    expect(await codeOf(ana.uploads.initUpload({ requestId: rid(), kind: UploadKind.AUDIO, contentType: "audio/mp4", sizeBytes: 1000n, durationMs: 4000 }))).toBe(Code.PermissionDenied);

    const library = await bob.sounds.browseSounds({ origin: SoundOrigin.LIBRARY, order: SoundOrder.NEWEST });
    expect(library.sounds.map((s) => s.soundId)).toEqual([fixed, sound!.soundId]);
    expect(library.sounds.every((s) => !s.original)).toBe(true);
  });

  it("browses sounds by use and by recency, a page at a time", async () => {
    const popular = await eventually(async () => {
      const r = await bob.sounds.browseSounds({ order: SoundOrder.POPULAR, limit: 1 });
      expect(r.sounds[0]!.soundId).toBe(original);
      return r;
    });
    const next = await bob.sounds.browseSounds({ order: SoundOrder.POPULAR, limit: 1, cursor: popular.nextCursor });
    expect(next.sounds[0]!.soundId).not.toBe(original);
    const originals = await bob.sounds.browseSounds({ origin: SoundOrigin.ORIGINAL });
    expect(originals.sounds.every((s) => s.original)).toBe(true);
    expect(await codeOf(bob.sounds.browseSounds({ cursor: "junk" }))).toBe(Code.InvalidArgument);
  });

  it("keeps favourites: save, unsave, list, idempotently", async () => {
    await bob.sounds.saveSound({ requestId: rid(), soundId: original });
    await bob.sounds.saveSound({ requestId: rid(), soundId: original });
    expect((await bob.sounds.listSavedSounds({})).sounds.map((s) => [s.soundId, s.viewerSaved])).toEqual([[original, true]]);
    expect((await bob.sounds.getSound({ soundId: original })).sound!.viewerSaved).toBe(true);
    expect((await ana.sounds.getSound({ soundId: original })).sound!.viewerSaved).toBe(false);
    await bob.sounds.unsaveSound({ requestId: rid(), soundId: original });
    await bob.sounds.unsaveSound({ requestId: rid(), soundId: original });
    expect((await bob.sounds.listSavedSounds({})).sounds).toEqual([]);
    expect(await codeOf(bob.sounds.saveSound({ requestId: rid(), soundId: "snd_nope" }))).toBe(Code.NotFound);
  });
});
