// Every API service Flick serves, by context. A context whose feature is not built yet
// is registered with no methods: its RPCs answer UNIMPLEMENTED (never fake data), and
// reflection and health still list it, so clients can be generated against the whole API.
import type { DescService } from "@bufbuild/protobuf";
import { register, type ServiceRegistration } from "@flick/server";
import { AnalyticsService } from "@flick/contracts/flick/analytics/v1/analytics_service_pb";
import { ChallengeService } from "@flick/contracts/flick/challenge/v1/challenge_service_pb";
import { HashtagService } from "@flick/contracts/flick/challenge/v1/hashtag_service_pb";
import { DiagnosticsService } from "@flick/contracts/flick/diagnostics/v1/diagnostics_service_pb";
import { CommentService } from "@flick/contracts/flick/engagement/v1/comment_service_pb";
import { EngagementService } from "@flick/contracts/flick/engagement/v1/engagement_service_pb";
import { FeedService } from "@flick/contracts/flick/feed/v1/feed_service_pb";
import { AccountService } from "@flick/contracts/flick/identity/v1/account_service_pb";
import { ProfileService } from "@flick/contracts/flick/identity/v1/profile_service_pb";
import { NotificationService } from "@flick/contracts/flick/notification/v1/notification_service_pb";
import { SearchService } from "@flick/contracts/flick/search/v1/search_service_pb";
import { SocialGraphService } from "@flick/contracts/flick/social/v1/social_graph_service_pb";
import { SoundService } from "@flick/contracts/flick/sound/v1/sound_service_pb";
import { TrendingService } from "@flick/contracts/flick/trending/v1/trending_service_pb";
import { UploadService } from "@flick/contracts/flick/video/v1/upload_service_pb";
import { VideoService } from "@flick/contracts/flick/video/v1/video_service_pb";
import { diagnosticsService } from "./diagnostics/diagnostics.service.js";

export interface ContextModule {
  /** The name used by `flick start --services=…`. */
  name: string;
  services: ServiceRegistration[];
}

/** Registered with no methods until its issue lands: every RPC answers UNIMPLEMENTED. */
const notYetBuilt = (...services: DescService[]) => services.map((s) => register(s, {}));

export function catalog(): ContextModule[] {
  return [
    { name: "identity", services: notYetBuilt(AccountService, ProfileService) },
    { name: "social", services: notYetBuilt(SocialGraphService) },
    { name: "video", services: notYetBuilt(UploadService, VideoService) },
    { name: "sound", services: notYetBuilt(SoundService) },
    { name: "challenge", services: notYetBuilt(HashtagService, ChallengeService) },
    { name: "engagement", services: notYetBuilt(EngagementService, CommentService) },
    { name: "feed", services: notYetBuilt(FeedService) },
    { name: "search", services: notYetBuilt(SearchService) },
    { name: "trending", services: notYetBuilt(TrendingService) },
    { name: "notification", services: notYetBuilt(NotificationService) },
    { name: "analytics", services: notYetBuilt(AnalyticsService) },
    { name: "diagnostics", services: [register(DiagnosticsService, diagnosticsService)] },
  ];
}
