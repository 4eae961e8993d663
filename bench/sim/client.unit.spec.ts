import { describe, expect, it } from "vitest";
import { ViewSource } from "@flick/contracts/flick/engagement/v1/engagement_pb";
import { MissingRpcs, runServer, type ServerRun } from "./client.js";
import { configFrom } from "./config.js";
import { fakePlatform, type FakeState } from "./fake-platform.js";
import { buildWorld } from "./world.js";

const { world: wp, run } = configFrom({
  world: { videos: 300, creators: 20, sounds: 25, driftSwipe: 120 },
  run: { viewers: 4, swipes: 130, backgroundViewers: 3, backgroundSwipes: 10, concurrency: 3 },
});
const world = buildWorld(wp, run);
const admin = { username: "sim_admin", password: "sim-admin-pass-1" };
const quiet = () => {};

async function simulate(soundMode: "original" | "library" = "original"): Promise<{ result: ServerRun; state: FakeState }> {
  const { transport, state } = fakePlatform({ admins: [admin.username] });
  const result = await runServer(world, run, { transport, admin, tag: "t1", soundMode, log: quiet });
  return { result, state };
}

describe("the platform client", () => {
  it("loads the catalogue with visible features only, as the creators' videos", async () => {
    const { state } = await simulate();
    expect(state.videos.size).toBe(300);
    const creators = [...state.users.values()].filter((u) => u.username.startsWith("t1_c"));
    expect(creators).toHaveLength(20);
    const v7 = state.videos.get("vid_t1_7")!;
    expect(v7.creatorUserId).toBe(state.users.get(v7.creatorUserId)!.userId);
    expect(v7.hashtags).toEqual(world.videos.hashtags[7]);
    expect(v7.caption).toBe(world.videos.caption[7]);
    expect(v7.durationMs).toBe(world.videos.durationMs[7]);
    expect(Number(v7.createdAt!.seconds) * 1000).toBeLessThan(Date.now());
    // One sound per world sound that has videos, shared by all of its videos.
    const soundsUsed = new Set(Array.from(world.videos.sound));
    expect(new Set([...state.videos.values()].map((v) => v.soundIdResolved)).size).toBe(soundsUsed.size);
  });

  it("imports library sounds first when asked to", async () => {
    const { state } = await simulate("library");
    expect(state.librarySounds).toBe(25);
    expect([...state.videos.values()].every((v) => v.sound.case === "soundId")).toBe(true);
  });

  it("scrolls in pages, reporting each view before the next page with the latest token", async () => {
    const { result, state } = await simulate();
    expect(state.violations).toEqual([]);
    expect(result.sessions).toHaveLength(4);
    expect(result.sessions.every((s) => s.length === 130)).toBe(true);
    expect(state.views).toHaveLength(3 * 10 + 4 * 130);
    expect(result.views).toBe(3 * 10 + 4 * 130);
    expect(state.views.every((v) => v.source === ViewSource.FYP && v.impressionId === `imp_${v.videoId}`)).toBe(true);
    // Pages of 8: 17 per measured viewer (130 swipes), 2 per background viewer, plus the readiness check.
    expect(state.pages).toBe(4 * 17 + 3 * 2 + 1);
    expect(result.latenciesMs).toHaveLength(4 * 17);
    expect(state.likes).toBeGreaterThan(0);
    // The impressions are the world's videos, scored by the viewer model.
    const first = result.sessions[0]![0]!;
    expect(first.creator).toBe(world.videos.creator[first.video]);
  });

  it("stops with the missing RPCs named, after the setup when only the feed is missing", async () => {
    const feedless = fakePlatform({ admins: [admin.username], unimplemented: ["FeedService.GetForYouFeed"] });
    const err = await runServer(world, run, { transport: feedless.transport, admin, tag: "t2", soundMode: "original", log: quiet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingRpcs);
    expect((err as MissingRpcs).methods).toEqual(["FeedService.GetForYouFeed"]);
    expect((err as MissingRpcs).done).toContain("300 videos");
    expect(feedless.state.videos.size).toBe(300);

    const bare = fakePlatform({ admins: [admin.username], unimplemented: ["EngagementService.RecordView", "VideoService.ImportVideos"] });
    const err2 = await runServer(world, run, { transport: bare.transport, admin, tag: "t3", soundMode: "original", log: quiet }).catch((e: unknown) => e);
    expect((err2 as MissingRpcs).methods).toEqual(["EngagementService.RecordView", "VideoService.ImportVideos"]);
    expect(bare.state.users.size).toBe(1);
  });
});
