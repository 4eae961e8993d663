// The events the inbox is built from: other contexts' (follows, blocks, engagement,
// videos) and its own NotificationsRead (stream inbox-<user_id>).
import { createRegistry } from "@bufbuild/protobuf";
import { file_flick_events_v1_engagement } from "@flick/contracts/flick/events/v1/engagement_pb";
import { file_flick_events_v1_notification, type NotificationsRead } from "@flick/contracts/flick/events/v1/notification_pb";
import { file_flick_events_v1_social } from "@flick/contracts/flick/events/v1/social_pb";
import { file_flick_events_v1_video } from "@flick/contracts/flick/events/v1/video_pb";
import { createProtobufCodec } from "@flick/kernel";
import type { Message } from "@bufbuild/protobuf";

const registry = createRegistry(file_flick_events_v1_notification, file_flick_events_v1_engagement, file_flick_events_v1_social, file_flick_events_v1_video);

/** Any event the inbox consumes, decoded (switch on $typeName). */
export const inboxCodec = createProtobufCodec<Message>(registry);
export const readCodec = createProtobufCodec<NotificationsRead>(registry);

export const inboxStream = (userId: string) => `inbox-${userId}`;
