// GetForYouFeed. (Being built: until then it answers UNIMPLEMENTED.)
import type { Platform } from "../../platform/platform.js";
import type { FeedPart } from "../feed-part.js";

export async function forYouHandlers(_platform: Platform): Promise<FeedPart> {
  return { handlers: {} };
}
