import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, configFrom, defaultRun, documentedWorld, familyRanges, parseCli } from "./config.js";

const configsDir = join(import.meta.dirname, "configs");

describe("config", () => {
  it("defaults to the documented world and run", () => {
    const c = configFrom(undefined);
    expect(c.world).toEqual(documentedWorld);
    expect(c.run).toEqual(defaultRun);
    expect(c.world).toMatchObject({ topics: 20, creators: 500, videos: 20_000, sounds: 300, driftSwipe: 150, intercept: -2.4, affinityWeight: 5.5 });
    expect(c.run).toMatchObject({ viewers: 300, swipes: 300, backgroundViewers: 200, pageSize: 8 });
  });

  it("documents every family parameter inside its own range", () => {
    for (const [key, [lo, hi]] of Object.entries(familyRanges)) {
      const v = documentedWorld[key as keyof typeof documentedWorld];
      expect(v >= lo! && v <= hi!, key).toBe(true);
    }
  });

  it("takes family members from nested or flat JSON", () => {
    expect(configFrom({ world: { topics: 12 }, run: { viewers: 10 } })).toMatchObject({ world: { topics: 12 }, run: { viewers: 10 } });
    expect(configFrom({ topics: 32, topicFatigue: 0.5 }).world).toMatchObject({ topics: 32, topicFatigue: 0.5, intercept: -2.4 });
  });

  it("refuses worlds outside the family, unknown parameters and bad runs, naming each problem", () => {
    const err = (json: unknown, o = {}) => {
      try {
        configFrom(json, o);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    const msg = err({ world: { topics: 40, intercept: -1 } });
    expect(msg).toContain("topics: 40 is outside the family's range [12, 32]");
    expect(msg).toContain("intercept: -1 is outside the family's range [-2.6, -2]");
    expect(err({ world: { topiks: 20 } })).toContain("topiks");
    expect(err({ world: { topics: 20.5 } })).toContain("integer");
    expect(err({}, { swipes: 100 })).toContain("driftSwipe (150) must be below swipes (100)");
    expect(err({}, { pageSize: 80 })).toContain("at most 50");
    expect(err({}, { url: "localhost:8080" })).toContain("url");
  });

  it("accepts every example config in configs/", () => {
    const files = readdirSync(configsDir).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) expect(() => configFrom(JSON.parse(readFileSync(join(configsDir, f), "utf8"))), f).not.toThrow();
  });

  it("reads the command line over the config file", () => {
    const cli = parseCli(["--config", join(configsDir, "t12-low-fatigue.json"), "--seed", "9", "--viewers", "30", "--swipes", "200", "--videos", "2000", "--url", "http://127.0.0.1:8080"]);
    expect(cli.config.world).toMatchObject({ topics: 12, videos: 2000 });
    expect(cli.config.run).toMatchObject({ seed: 9, viewers: 30, swipes: 200, url: "http://127.0.0.1:8080" });
    expect(() => parseCli(["--videos", "5"])).toThrow(ConfigError);
    expect(() => parseCli(["--nope"])).toThrow();
  });
});
