// HashtagService through a real server: counts and pages of the public videos carrying a
// hashtag, whatever its case, following edits and deletions, and what each viewer may see.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Privacy, type Video } from "@flick/contracts/flick/video/v1/video_pb";
import { describeEachProfile, unique } from "../../test/profiles.js";
import { Code, codeOf, eventually, rid } from "../../identity/test/support/api.js";
import { startIsolatedServer, type IsolatedServer } from "../../test/isolated.js";
import { mediaClients, newCreator, publishReady, type Creator } from "../../video/test/support/api.js";
import { makeClip } from "../../video/test/support/clips.js";
import { copyOf, importAs } from "../../video/test/support/fixtures.js";

const SERVICES = ["identity", "social", "video", "media", "sound", "hashtag"];

describeEachProfile("hashtags", (c) => {
  let server: IsolatedServer;
  let dir: string;
  let ana: Creator;
  let bob: Creator;
  let source: Video;
  const tag = unique("Tag");

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "flick-hashtags-e2e-"));
    server = await startIsolatedServer(c, {}, SERVICES);
    [ana, bob] = [await newCreator(server), await newCreator(server)];
    const { videoId } = await publishReady(ana, await makeClip(join(dir, "clip.mp4")), { caption: `first #${tag.toUpperCase()}` });
    source = (await ana.videos.getVideo({ videoId })).video!;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("counts and lists the public videos carrying a hashtag, whatever its case", async () => {
    const [second, , hidden] = await importAs(server, [
      copyOf(source, ana.userId, { caption: `again #${tag}` }),
      copyOf(source, ana.userId, { hashtags: [tag.toLowerCase()], privacy: Privacy.FRIENDS }),
      copyOf(source, bob.userId, { caption: `#${tag}` }),
    ]);
    const anon = mediaClients(server);
    await eventually(async () => expect((await anon.hashtags.getHashtag({ name: tag })).hashtag!.videoCount).toBe(3n));
    const { hashtag } = await anon.hashtags.getHashtag({ name: tag.toUpperCase() });
    expect(hashtag!.name).toBe(tag.toLowerCase());
    expect(hashtag!.viewCount).toBe(0n); // engagement's, not counted here
    const page = await anon.hashtags.listHashtagVideos({ name: tag, limit: 2 });
    const rest = await anon.hashtags.listHashtagVideos({ name: tag, limit: 2, cursor: page.nextCursor });
    expect([...page.videos, ...rest.videos].map((v) => v.videoId).sort()).toEqual([source.videoId, second, hidden].sort());
    // Bob blocks Ana: her videos leave his pages.
    await bob.social.block({ requestId: rid(), userId: ana.userId });
    await eventually(async () => expect((await bob.hashtags.listHashtagVideos({ name: tag })).videos.map((v) => v.videoId)).toEqual([hidden]));
  });

  it("follows edits and deletions; an unused hashtag is not found but lists empty", async () => {
    const edited = unique("Edit");
    const [id] = await importAs(server, [copyOf(source, ana.userId, { caption: `#${edited}` })]);
    await eventually(async () => expect((await ana.hashtags.getHashtag({ name: edited })).hashtag!.videoCount).toBe(1n));
    await ana.videos.updateVideo({ requestId: rid(), videoId: id!, caption: "no tags now" });
    await eventually(async () => expect(await codeOf(ana.hashtags.getHashtag({ name: edited }))).toBe(Code.NotFound));
    await ana.videos.updateVideo({ requestId: rid(), videoId: id!, hashtags: { names: [edited] } });
    await eventually(async () => expect((await ana.hashtags.getHashtag({ name: edited })).hashtag!.videoCount).toBe(1n));
    await ana.videos.deleteVideo({ requestId: rid(), videoId: id! });
    await eventually(async () => expect(await codeOf(ana.hashtags.getHashtag({ name: edited }))).toBe(Code.NotFound));
    expect((await ana.hashtags.listHashtagVideos({ name: unique("never") })).videos).toEqual([]);
  });
});
