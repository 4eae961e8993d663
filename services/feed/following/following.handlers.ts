// Following and Friends feeds, and WatchFollowingFeed: thin handlers over the queries
// (queries/feed.query.ts) and the live stream (live/following-stream.ts).
import { shutdownKey } from "@flick/server";
import { signedIn } from "../../identity/caller.js";
import type { Platform } from "../../platform/platform.js";
import { mediaUrls } from "../../video/queries/video-view.js";
import type { FeedPart } from "../feed-part.js";
import { followingContext } from "./following.context.js";
import { watchFollowingFeed } from "./live/following-stream.js";
import { getFeed } from "./queries/feed.query.js";

export async function followingFeedHandlers(platform: Platform): Promise<FeedPart> {
  const ctx = await followingContext(platform);
  return {
    handlers: {
      async getFollowingFeed(req, call) {
        return getFeed(ctx, signedIn(call).userId, "following", req, mediaUrls(ctx.video, call));
      },
      async getFriendsFeed(req, call) {
        return getFeed(ctx, signedIn(call).userId, "friends", req, mediaUrls(ctx.video, call));
      },
      async *watchFollowingFeed(req, call) {
        const userId = signedIn(call).userId;
        const signal = AbortSignal.any([call.signal, call.values.get(shutdownKey)]);
        yield* watchFollowingFeed(ctx, userId, req.resumeToken, mediaUrls(ctx.video, call), signal);
      },
    },
    stop: () => ctx.tail.stop(),
  };
}
