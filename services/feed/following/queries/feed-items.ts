// API feed items of the Following / Friends feeds and their live stream: the reason (a
// friend's video, or a followed creator's) and an impression id naming the serving.
import { create } from "@bufbuild/protobuf";
import { FeedItemSchema, FeedReason, type FeedItem } from "@flick/contracts/flick/feed/v1/feed_pb";
import { Privacy, type Video } from "@flick/contracts/flick/video/v1/video_pb";
import type { FeedName } from "./cursors.js";

/**
 * `<feed>-<mode>-<serving nonce>-<position>` (the RecordView pattern: letters, digits,
 * '-' and '_'), so a view reported with it says which feed, mode and slot led to it.
 */
export const impressionId = (feed: FeedName | "live", mode: string, nonce: string, position: number) => `${feed}-${mode}-${nonce}-${position}`;

export function feedItem(video: Video, feed: FeedName | "live", impression: string): FeedItem {
  const friend = feed === "friends" || video.privacy === Privacy.FRIENDS;
  const handle = video.creator?.username ? `@${video.creator.username}` : "";
  return create(FeedItemSchema, {
    video,
    reason: friend ? FeedReason.FRIEND : FeedReason.FOLLOWED_CREATOR,
    reasonText: handle ? (friend ? `Your friend ${handle}` : `Because you follow ${handle}`) : "",
    impressionId: impression,
  });
}
