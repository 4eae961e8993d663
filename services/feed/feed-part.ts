// What each part of the feed module (For You; Following and Friends) hands the module.
import type { ServiceImpl } from "@connectrpc/connect";
import type { FeedService } from "@flick/contracts/flick/feed/v1/feed_service_pb";

export interface FeedPart {
  /** The FeedService methods this part implements. */
  handlers: Partial<ServiceImpl<typeof FeedService>>;
  /** Background work (live streams, model refreshers), started with the module. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
