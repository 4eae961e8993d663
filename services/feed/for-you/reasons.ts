// Why a video is in the feed, as the API says it.
import { FeedReason } from "@flick/contracts/flick/feed/v1/feed_pb";
import type { Video } from "@flick/contracts/flick/video/v1/video_pb";
import type { Reason } from "./model/recommender.js";

export const feedReason: Record<Reason, FeedReason> = {
  similar: FeedReason.SIMILAR_TO_WATCHED,
  similar_viewers: FeedReason.LIKED_BY_SIMILAR_VIEWERS,
  followed: FeedReason.FOLLOWED_CREATOR,
  friend: FeedReason.FRIEND,
  trending: FeedReason.TRENDING,
  popular: FeedReason.POPULAR,
  fresh: FeedReason.FRESH,
  exploration: FeedReason.EXPLORATION,
};

export function reasonText(reason: Reason, video: Video): string {
  const creator = video.creator?.username ? `@${video.creator.username}` : "this creator";
  switch (reason) {
    case "similar":
      return "Similar to videos you watched";
    case "similar_viewers":
      return "Watched by viewers like you";
    case "followed":
      return `From ${creator}, whom you follow`;
    case "friend":
      return `From your friend ${creator}`;
    case "trending":
      return "Trending on Flick";
    case "popular":
      return "Popular on Flick";
    case "fresh":
      return "New on Flick";
    case "exploration":
      return "Something new to try";
  }
}
