// The demo catalogue `npm start` shows on a fresh embedded data dir: a few demo users
// (registered through the identity module's own command), short clips generated on the
// spot from ffmpeg's lavfi sources (no downloads), transcoded once by the media pipeline
// into the blob store under demo/, then published through ImportVideos' command — the
// same events as a processed upload — with a library track beside them. Ids are fixed,
// so a second start finds the catalogue and does nothing; FLICK_DEMO=0 turns it off.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ContactKind } from "@flick/contracts/flick/events/v1/identity_pb";
import { ImportLibrarySoundRequestSchema } from "@flick/contracts/flick/sound/v1/sound_service_pb";
import { Privacy } from "@flick/contracts/flick/video/v1/video_pb";
import { ImportedOriginalSoundSchema, ImportedRenditionSchema, ImportedVideoSchema, ImportVideosRequestSchema } from "@flick/contracts/flick/video/v1/video_service_pb";
import { blobPublisher, processVideo, runFfmpeg } from "@flick/media";
import type { Caller } from "@flick/server";
import { register } from "../../identity/commands/register.command.js";
import { createIdentityContext } from "../../identity/identity.context.js";
import { usernameHolder } from "../../identity/commands/reservations.js";
import { importLibrarySound } from "../../sound/commands/sound.command.js";
import { readVideo } from "../aggregates.js";
import { importVideos } from "../commands/import-videos.command.js";
import type { VideoContext } from "../video.context.js";

const USERS = [
  { username: "flick_demo", displayName: "Flick Demo" },
  { username: "pixel_garden", displayName: "Pixel Garden" },
  { username: "fractal_fm", displayName: "Fractal FM" },
];

/** Documented and public: demo accounts exist to be signed into. */
export const DEMO_PASSWORD = "flick-demo-password";

interface DemoClip {
  id: string;
  creator: number;
  source: string;
  /** An aevalsrc expression or lavfi audio source. */
  audio: string;
  seconds: number;
  caption: string;
  /** Uses the library track instead of its own audio. */
  librarySound?: boolean;
  daysAgo: number;
}

const W = 480;
const H = 854;
const CLIPS: DemoClip[] = [
  { id: "vid_demo01", creator: 0, source: `testsrc2=s=${W}x${H}:r=30`, audio: "sine=f=440", seconds: 5, caption: "Hello from Flick #welcome #demo", daysAgo: 6 },
  { id: "vid_demo02", creator: 1, source: `mandelbrot=s=${W}x${H}:r=30`, audio: "sine=f=330", seconds: 6, caption: "Zooming into the Mandelbrot set #fractal #math", daysAgo: 5 },
  { id: "vid_demo03", creator: 1, source: `life=s=${W}x${H}:r=15:mold=10:ratio=0.2:death_color=#202060:life_color=#40e0a0`, audio: "anoisesrc=c=pink:a=0.05", seconds: 5, caption: "Conway's Game of Life #generative #demo", daysAgo: 4 },
  { id: "vid_demo04", creator: 2, source: `cellauto=s=${W}x${H}:r=30:rule=110`, audio: "sine=f=220", seconds: 5, caption: "Rule 110, one row per frame #generative", librarySound: true, daysAgo: 3 },
  { id: "vid_demo05", creator: 0, source: `smptehdbars=s=${W}x${H}:r=30`, audio: "sine=f=1000", seconds: 4, caption: "Colour bars: is your screen calibrated? #demo", daysAgo: 2 },
  { id: "vid_demo06", creator: 2, source: `gradients=s=${W}x${H}:r=30:speed=0.02`, audio: "sine=f=523", seconds: 6, caption: "Slow gradients to relax #calm #fractal", librarySound: true, daysAgo: 1 },
  { id: "vid_demo07", creator: 1, source: `sierpinski=s=${W}x${H}:r=30`, audio: "sine=f=587", seconds: 5, caption: "Sierpinski carpet, moving #fractal #math", daysAgo: 0 },
];

const LIBRARY_SOUND = { id: "snd_demo_library1", title: "Demo Groove", artist: "Flick Synth", seconds: 12 };

export async function seedDemoCatalogue(ctx: VideoContext): Promise<void> {
  if ((await readVideo(ctx.events, CLIPS.at(-1)!.id)).state.status !== "none") return;
  const started = Date.now();
  console.log("flick: seeding the demo catalogue (FLICK_DEMO=0 to skip)…");
  const admin: Caller = { userId: "system-demo", role: "admin", tokenId: "demo-seed" };
  const userIds = await demoUsers(ctx);
  const work = await mkdtemp(join(tmpdir(), "flick-demo-"));
  try {
    // The library track first: two of the videos use it.
    const trackPath = join(work, "track.m4a");
    await runFfmpeg(["-y", "-f", "lavfi", "-i", `aevalsrc=0.3*sin(2*PI*(220+110*floor(mod(t*2\\,4)))*t):s=44100:d=${LIBRARY_SOUND.seconds}`, "-c:a", "aac", "-b:a", "96k", trackPath]);
    await ctx.blobs.putFile("demo/library/track1.m4a", trackPath);
    await importLibrarySound(
      ctx,
      admin,
      create(ImportLibrarySoundRequestSchema, {
        requestId: "demo-library-sound-1",
        soundId: LIBRARY_SOUND.id,
        title: LIBRARY_SOUND.title,
        artist: LIBRARY_SOUND.artist,
        audio: { case: "audioPath", value: "demo/library/track1.m4a" },
        durationMs: LIBRARY_SOUND.seconds * 1000,
      }),
    );

    const videos = [];
    for (const clip of CLIPS) {
      const input = join(work, `${clip.id}.mp4`);
      await runFfmpeg([
        "-y", "-f", "lavfi", "-i", `${clip.source},format=yuv420p`,
        "-f", "lavfi", "-i", `${clip.audio}:sample_rate=44100`,
        "-map", "0:v", "-map", "1:a", "-t", String(clip.seconds),
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "64k", "-shortest", input,
      ]);
      const prefix = `demo/${clip.id}/`;
      const publish = blobPublisher(ctx.blobs, prefix);
      const m = await processVideo({
        input,
        outDir: join(work, clip.id),
        kind: "import",
        limits: ctx.settings.media.limits,
        presets: ctx.settings.media.presets,
        publish: (root, files) => publish(root, files),
      });
      const top = [...m.renditions].sort((a, b) => b.width - a.width)[0]!;
      videos.push(
        create(ImportedVideoSchema, {
          videoId: clip.id,
          creatorUserId: userIds[clip.creator]!,
          caption: clip.caption,
          sound:
            clip.librarySound || !m.sound
              ? { case: "soundId", value: LIBRARY_SOUND.id }
              : { case: "originalSound", value: create(ImportedOriginalSoundSchema, { audioPath: prefix + m.sound.path }) },
          durationMs: Math.round(m.durationSec * 1000),
          width: top.width,
          height: top.height,
          masterPlaylistPath: prefix + m.master,
          renditions: m.renditions.map((r) =>
            create(ImportedRenditionSchema, { quality: `${r.name}p`, width: r.width, height: r.height, bandwidth: r.bandwidth, playlistPath: prefix + r.playlist }),
          ),
          thumbnailPath: prefix + m.thumbnail,
          privacy: Privacy.PUBLIC,
          createdAt: timestampFromDate(new Date(Date.now() - clip.daysAgo * 86_400_000 - 3_600_000)),
        }),
      );
    }
    const results = await importVideos(ctx, admin, create(ImportVideosRequestSchema, { requestId: "demo-catalogue-v1", videos }));
    const failed = results.filter((r) => r.errorCode);
    if (failed.length) console.error("flick: demo import failures:", failed);
    console.log(`flick: demo catalogue ready: ${results.length - failed.length} videos by ${USERS.map((u) => "@" + u.username).join(", ")} (password "${DEMO_PASSWORD}") in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The demo users' ids, registered through identity's own command (again: the same ids). */
async function demoUsers(ctx: VideoContext): Promise<string[]> {
  const identity = await createIdentityContext(ctx.platform);
  const ids: string[] = [];
  for (const u of USERS) {
    const requestId = `demo-user-${u.username}`;
    const holder = await usernameHolder(ctx.events, u.username);
    // Taken by someone else's sign-up: theirs to keep, the demo posts as them anyway.
    if (holder.userId && holder.claimedByRequest !== requestId) {
      ids.push(holder.userId);
      continue;
    }
    // New, or a first seeding that stopped half way (the command picks it up again).
    const r = await register(identity, {
      requestId,
      contact: { kind: ContactKind.EMAIL, value: `${u.username}@demo.flick.local` },
      password: DEMO_PASSWORD,
      username: u.username,
      displayName: u.displayName,
      birthDate: "",
      peer: "demo-seed",
    });
    ids.push(r.userId);
  }
  return ids;
}
