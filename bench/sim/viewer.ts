// The watching model (bench/SIMULATOR.md, "Watching"). For viewer θ and video (m, q, d)
// at swipe n:
//   z = intercept + affinity·cos(θ, m) + quality·q − length·ln(d / median)
//       − fatigue·(times the video's topic appeared in the last 5 videos)
//       − sameCreator·[same creator as the previous video]
//   p = sigmoid(z + N(0, noise))
// With probability p the viewer watches to the end (ratio 1, or a replay with ratio in
// (1, 2] with probability replay·p); otherwise ratio = u^(1/(0.3 + 1.5p)), below 1.
// Completed videos are liked with probability 0.3 and shared with probability 0.03; a
// creator is followed after three completed videos by them. Tastes drift after
// `driftSwipe` swipes. The viewer knows nothing about who chose the videos: the server
// and the in-process baselines face the same model.
import { Rng, sigmoid } from "./rng.js";
import { affinity, norm, type ViewerSpec, type World } from "./world.js";

export interface Watch {
  /** Watch time over duration: 1 = to the end once, above 1 = replays. */
  ratio: number;
  completed: boolean;
  liked: boolean;
  shared: boolean;
  /** The viewer follows the creator now (third completed video by them). */
  followed: boolean;
  /** The completion probability this impression had (noise included). */
  p: number;
}

export class Viewer {
  /** Swipes done so far. */
  swipes = 0;
  private readonly rng: Rng;
  private readonly recentTopics: number[] = [];
  private previousCreator = -1;
  private readonly completedBy = new Map<number, number>();
  private readonly following = new Set<number>();
  private readonly thetaNorm: number;
  private readonly thetaAfterNorm: number;

  constructor(
    readonly world: World,
    readonly spec: ViewerSpec,
  ) {
    this.rng = new Rng(spec.seed);
    this.thetaNorm = norm(spec.theta);
    this.thetaAfterNorm = norm(spec.thetaAfter);
  }

  /** Whether the next swipe sees the taste after the drift. */
  get drifted(): boolean {
    return this.swipes + 1 > this.world.params.driftSwipe;
  }

  /** The taste the next swipe is judged with. */
  get taste(): Float64Array {
    return this.drifted ? this.spec.thetaAfter : this.spec.theta;
  }

  /** The part of z that depends only on the video and the current taste. */
  baseScore(v: number): number {
    const p = this.world.params;
    const cat = this.world.videos;
    const [theta, thetaNorm] = this.drifted ? [this.spec.thetaAfter, this.thetaAfterNorm] : [this.spec.theta, this.thetaNorm];
    return (
      p.intercept +
      p.affinityWeight * affinity(this.world, theta, thetaNorm, v) +
      p.qualityWeight * cat.quality[v]! -
      p.lengthWeight * Math.log(cat.durationMs[v]! / 1000 / p.durationMedianS)
    );
  }

  /** Topic fatigue and the same-creator penalty the next video would get. */
  contextPenalty(v: number): number {
    const p = this.world.params;
    const topic = this.world.videos.topic[v]!;
    let seen = 0;
    for (const t of this.recentTopics) if (t === topic) seen++;
    return p.topicFatigue * seen + (this.world.videos.creator[v] === this.previousCreator ? p.sameCreatorPenalty : 0);
  }

  /** z without the noise, for the next swipe. */
  score(v: number): number {
    return this.baseScore(v) - this.contextPenalty(v);
  }

  /** Watches video v as the next swipe. Always consumes the same number of random draws. */
  watch(v: number): Watch {
    const p = this.world.params;
    const rng = this.rng;
    const noise = rng.normal(0, p.noiseSd);
    const uComplete = rng.next();
    const uReplay = rng.next();
    const uRatio = rng.nextOpen();
    const uLike = rng.next();
    const uShare = rng.next();

    const prob = sigmoid(this.score(v) + noise);
    const completed = uComplete < prob;
    let ratio: number;
    if (completed) ratio = uReplay < p.replayFactor * prob ? 1 + uRatio : 1;
    else ratio = Math.min(Math.pow(uRatio, 1 / (0.3 + 1.5 * prob)), 0.999);

    const creator = this.world.videos.creator[v]!;
    let followed = false;
    if (completed) {
      const n = (this.completedBy.get(creator) ?? 0) + 1;
      this.completedBy.set(creator, n);
      if (n >= p.followAfter && !this.following.has(creator)) {
        this.following.add(creator);
        followed = true;
      }
    }
    this.recentTopics.push(this.world.videos.topic[v]!);
    if (this.recentTopics.length > p.fatigueWindow) this.recentTopics.shift();
    this.previousCreator = creator;
    this.swipes++;
    return {
      ratio,
      completed,
      liked: completed && uLike < p.likeProbability,
      shared: completed && uShare < p.shareProbability,
      followed,
      p: prob,
    };
  }
}
