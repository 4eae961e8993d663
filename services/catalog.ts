// Every bounded context Flick serves, in the order they start. A context whose feature
// is not built yet registers its services with no methods: its RPCs answer UNIMPLEMENTED
// (never fake data), and reflection and health still list it, so clients can be
// generated against the whole API.
import type { DescService } from "@bufbuild/protobuf";
import { register } from "@flick/server";
import { AnalyticsService } from "@flick/contracts/flick/analytics/v1/analytics_service_pb";
import { ChallengeService } from "@flick/contracts/flick/challenge/v1/challenge_service_pb";
import { DiagnosticsService } from "@flick/contracts/flick/diagnostics/v1/diagnostics_service_pb";
import { CommentService } from "@flick/contracts/flick/engagement/v1/comment_service_pb";
import { EngagementService } from "@flick/contracts/flick/engagement/v1/engagement_service_pb";
import { NotificationService } from "@flick/contracts/flick/notification/v1/notification_service_pb";
import { SearchService } from "@flick/contracts/flick/search/v1/search_service_pb";
import { diagnosticsService } from "./diagnostics/diagnostics.service.js";
import { createHashtagModule } from "./hashtag/hashtag.module.js";
import { createSoundModule } from "./sound/sound.module.js";
import { createMediaModule } from "./video/media.module.js";
import { createVideoModule } from "./video/video.module.js";
import { createIdentityModule } from "./identity/identity.module.js";
import { createSocialModule } from "./social/social.module.js";
import { createEngagementModule } from "./engagement/engagement.module.js";
import { createNotificationModule } from "./notification/notification.module.js";
import { createFeedModule } from "./feed/feed.module.js";
import { createTrendingModule } from "./trending/trending.module.js";
import type { FeatureFactory, FeatureModule } from "./platform/module.js";
import type { Platform } from "./platform/platform.js";

/** Registered with no methods until its issue lands: every RPC answers UNIMPLEMENTED. */
const notYetBuilt =
  (name: string, ...services: DescService[]): FeatureFactory =>
  () => ({ name, services: services.map((s) => register(s, {})) });

export const features: { name: string; create: FeatureFactory }[] = [
  { name: "identity", create: createIdentityModule },
  { name: "social", create: createSocialModule },
  { name: "video", create: createVideoModule },
  { name: "media", create: createMediaModule },
  { name: "sound", create: createSoundModule },
  { name: "hashtag", create: createHashtagModule },
  { name: "challenge", create: notYetBuilt("challenge", ChallengeService) },
  { name: "engagement", create: createEngagementModule },
  { name: "feed", create: createFeedModule },
  { name: "search", create: notYetBuilt("search", SearchService) },
  { name: "trending", create: createTrendingModule },
  { name: "notification", create: createNotificationModule },
  { name: "analytics", create: notYetBuilt("analytics", AnalyticsService) },
  { name: "diagnostics", create: () => ({ name: "diagnostics", services: [register(DiagnosticsService, diagnosticsService)] }) },
];

export const featureNames = () => features.map((f) => f.name);

/** Builds the named modules (all when `names` is absent) on a platform. */
export async function buildModules(platform: Platform, names?: string[]): Promise<FeatureModule[]> {
  const wanted = names ?? featureNames();
  const unknown = wanted.filter((w) => !features.some((f) => f.name === w));
  if (unknown.length) throw new Error(`unknown service(s): ${unknown.join(", ")}; known: ${featureNames().join(", ")}`);
  const modules: FeatureModule[] = [];
  for (const f of features) if (wanted.includes(f.name)) modules.push(await f.create(platform));
  return modules;
}
