// The notification module: NotificationService over the inbox read model, whose
// projection turns other contexts' events into notices (sources.ts).
import { NotificationService } from "@flick/contracts/flick/notification/v1/notification_service_pb";
import { register } from "@flick/server";
import type { FeatureFactory, FeatureModule } from "../platform/module.js";
import { notificationContext, type NotificationContext } from "./notification.context.js";
import { notificationService } from "./notification.service.js";
import { catalogThumbnails } from "./upstream/thumbnails.js";

export interface NotificationModule extends FeatureModule {
  context: NotificationContext;
}

export function notificationModule(options: { heartbeatMs?: number } = {}): FeatureFactory {
  return async (platform): Promise<NotificationModule> => {
    const ctx = notificationContext(platform, options);
    ctx.thumbnails = await catalogThumbnails(platform);
    return { name: "notification", services: [register(NotificationService, notificationService(ctx))], context: ctx };
  };
}

export const createNotificationModule: FeatureFactory = notificationModule();
