// Editing one's own profile, and the verified badge (admins). Going from private to
// public approves the pending follow requests (on their own edge streams).
import { FailedPreconditionError, handleCommand, NotFoundError, PermissionDeniedError, ValidationError } from "@flick/kernel";
import type { Caller } from "@flick/server";
import { approvePendingRequests } from "../../social/commands/edges.command.js";
import { readAccount } from "../accounts.js";
import { accountCodec, streams } from "../events.js";
import { identityHooks } from "../identity.hooks.js";
import type { IdentityContext } from "../identity.context.js";
import { accountDecider, type AccountState, type ProfileChanges } from "./account.decider.js";

/** Avatars are absolute http(s) URLs, on FLICK_PUBLIC_URL's host when that is set. */
function checkAvatarUrl(ctx: IdentityContext, url: string): void {
  if (url === "") return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw ValidationError.field("avatar_url", "must be an absolute URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw ValidationError.field("avatar_url", "must be an http(s) URL");
  const mediaHost = ctx.config.FLICK_PUBLIC_URL ? new URL(ctx.config.FLICK_PUBLIC_URL).host : undefined;
  if (mediaHost && parsed.host !== mediaHost) throw ValidationError.field("avatar_url", `must be on ${mediaHost}`);
}

export async function updateProfile(ctx: IdentityContext, caller: Caller, requestId: string, changes: ProfileChanges): Promise<AccountState> {
  const userId = caller.userId;
  if (changes.avatarUrl !== undefined) checkAvatarUrl(ctx, changes.avatarUrl);
  if (changes.profileVideoId) {
    const readyVideo = identityHooks(ctx.platform).readyVideo;
    if (!readyVideo || !(await readyVideo(userId, changes.profileVideoId))) {
      throw new FailedPreconditionError("profile_video_id is not one of your ready videos", "VIDEO_NOT_READY");
    }
  }
  const result = await handleCommand(ctx.events, {
    stream: streams.account(userId),
    decider: accountDecider,
    command: { type: "UpdateProfile", changes, at: ctx.now() },
    requestId,
    metadata: { actor: userId },
    codec: accountCodec,
  });
  ctx.ryw.note(userId, result.checkpoint);
  // A retry (same request id) replays the first call's events, so it resumes the approvals.
  const wentPublic = result.events.some(
    (e) => e.$typeName === "flick.events.v1.ProfileUpdated" && !e.privateAccount && e.changedFields.includes("private_account"),
  );
  if (wentPublic) {
    ctx.ryw.note(userId, await approvePendingRequests(ctx.platform, userId, requestId));
  }
  return result.state;
}

export async function setVerified(ctx: IdentityContext, caller: Caller, requestId: string, userId: string, verified: boolean): Promise<AccountState> {
  if (caller.role !== "admin") throw new PermissionDeniedError("admin role required");
  const { state } = await readAccount(ctx.events, userId);
  if (state.status !== "active") throw new NotFoundError("user", userId);
  const result = await handleCommand(ctx.events, {
    stream: streams.account(userId),
    decider: accountDecider,
    command: { type: "SetVerified", verified, adminUserId: caller.userId, at: ctx.now() },
    requestId,
    metadata: { actor: caller.userId },
    codec: accountCodec,
  });
  ctx.ryw.note(caller.userId, result.checkpoint);
  return result.state;
}
