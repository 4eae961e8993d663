// Following and Friends feeds, and WatchFollowingFeed. (Being built: until then these
// RPCs answer UNIMPLEMENTED.)
import type { Platform } from "../../platform/platform.js";
import type { FeedPart } from "../feed-part.js";

export async function followingFeedHandlers(_platform: Platform): Promise<FeedPart> {
  return { handlers: {} };
}
