// Catalogue rows → API videos, for one viewer: who may see what (the social visibility
// check, once per request), creators and mentions (profiles), sounds, playback URLs from
// blob keys, and the engagement hooks. Every read path that returns videos (GetVideo,
// profile grids, remixes, sound and hashtag pages) goes through here.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { UserSummarySchema, type UserSummary } from "@flick/contracts/flick/identity/v1/identity_pb";
import {
  ColorFilter,
  DuetSchema,
  EffectsSchema,
  GreenScreenSchema,
  PlaybackSchema,
  Privacy,
  RenditionSchema,
  SoundSummarySchema,
  Speed,
  StitchSchema,
  VideoSchema,
  VideoStatsSchema,
  VideoStatus,
  ViewerStateSchema,
  type Playback,
  type SoundSummary,
  type Video,
} from "@flick/contracts/flick/video/v1/video_pb";
import { joinUrl } from "@flick/media";
import { profileRows } from "../../identity/accounts.js";
import type { ProfileRow } from "../../identity/projections/profiles.projection.js";
import { fromRow, toSummary } from "../../identity/views.js";
import { loadViewerContext, type Privacy as VisibilityPrivacy, type ViewerContext } from "../../social/visibility.js";
import { soundsTable, type SoundRow } from "../../sound/projections/sounds.projection.js";
import type { VideoContext } from "../video.context.js";
import { videoHooks } from "../video.hooks.js";
import { videosTable, type EffectsJson, type PlaybackJson, type RemixJson, type VideoRow } from "../projections/video-catalog.projection.js";

/** Turns blob keys into absolute URLs: the CDN's, or this server's /media route. */
export type UrlOf = (key: string) => string;

/** What a handler knows of the request it serves (Connect's HandlerContext has both). */
export interface RequestInfo {
  requestHeader: Headers;
  url: string;
}

export function mediaUrls(ctx: VideoContext, request: RequestInfo): UrlOf {
  const base = ctx.settings.mediaBaseUrl ?? ownUrl(ctx, request, ctx.settings.playbackPath);
  return (key) => (key ? joinUrl(base, key) : "");
}

/** Absolute URL of a route of this server, as the client reached it (through Envoy: its forwarded host). */
export function ownUrl(ctx: VideoContext, request: RequestInfo, path: string): string {
  const publicUrl = ctx.platform.config.FLICK_PUBLIC_URL;
  if (publicUrl) return joinUrl(publicUrl, path.replace(/^\//, ""));
  const reached = new URL(request.url);
  const host = request.requestHeader.get("x-forwarded-host") ?? reached.host;
  const proto = request.requestHeader.get("x-forwarded-proto") ?? reached.protocol.replace(/:$/, "");
  return `${proto}://${host}${path}`;
}

export const privacyName = (p: number | null | undefined): VisibilityPrivacy =>
  p === Privacy.PUBLIC ? "public" : p === Privacy.FRIENDS ? "friends" : "private";

export interface Viewer {
  id: string | undefined;
  context: ViewerContext;
}

export async function loadViewer(ctx: VideoContext, viewerId: string | undefined): Promise<Viewer> {
  if (viewerId) await ctx.ryw.settle(viewerId, [ctx.models.catalog]);
  return { id: viewerId, context: await loadViewerContext(ctx.platform, viewerId) };
}

/** May the viewer see this video? The creator always; others only READY videos their privacy, the account's and blocks allow. */
export function canSeeVideo(viewer: Viewer, row: VideoRow, creator: ProfileRow | undefined): boolean {
  if (row.user_id === viewer.id) return true;
  if (row.status !== "ready" || !creator) return false;
  return viewer.context.canSee({ creatorId: row.user_id!, privacy: privacyName(row.privacy), creatorPrivate: creator.private_account ?? false });
}

export async function videoRows(ctx: VideoContext, videoIds: readonly string[]): Promise<(VideoRow | undefined)[]> {
  const store = await ctx.models.catalog.store();
  const table = store.table(videosTable);
  return table.getMany(videoIds.map((video_id) => ({ video_id })));
}

/** The rows the viewer may see, as API videos, in order (the others are left out). */
export async function toVisibleVideos(ctx: VideoContext, viewer: Viewer, rows: readonly (VideoRow | undefined)[], urlOf: UrlOf): Promise<Video[]> {
  const present = rows.filter((r): r is VideoRow => r !== undefined);
  // Sounds and profiles (the creators: the visibility check needs theirs; the mentions)
  // side by side, then the few sounds' authors not among them: under load each round trip
  // is also a turn of a busy event loop (bench:sim, 24 viewers: ~19 ms to render a For You
  // page with these one after another).
  const [sounds, profiles] = await Promise.all([
    soundRowsById(ctx, present.map((r) => r.sound_id ?? "")),
    profilesById(ctx, [...present.map((r) => r.user_id!), ...present.flatMap((r) => (r.mentions as string[] | null) ?? [])]),
  ]);
  const authors = [...sounds.values()].map((s) => s.author_user_id ?? "").filter((id) => id && !profiles.has(id));
  if (authors.length > 0) for (const [id, row] of await profilesById(ctx, authors)) profiles.set(id, row);
  const visible = present.filter((r) => canSeeVideo(viewer, r, profiles.get(r.user_id!)));
  return toVideos(ctx, viewer, visible, urlOf, profiles, sounds);
}

async function profilesById(ctx: VideoContext, userIds: readonly string[]): Promise<Map<string, ProfileRow>> {
  const ids = [...new Set(userIds.filter(Boolean))];
  const rows = await profileRows(ctx.platform, ids);
  const out = new Map<string, ProfileRow>();
  rows.forEach((r, i) => r && out.set(ids[i]!, r));
  return out;
}

const summaryOf = (userId: string, profiles: Map<string, ProfileRow>): UserSummary => {
  const p = profiles.get(userId);
  return p ? toSummary(fromRow(p)) : create(UserSummarySchema, { userId });
};

/** Builds API videos for rows already known to be visible. */
export async function toVideos(
  ctx: VideoContext,
  viewer: Viewer,
  rows: readonly VideoRow[],
  urlOf: UrlOf,
  knownProfiles?: Map<string, ProfileRow>,
  knownSounds?: Map<string, SoundRow>,
): Promise<Video[]> {
  if (rows.length === 0) return [];
  // The counters and the viewer's likes and saves need only the ids: read beside the rest.
  const ids = rows.map((r) => r.video_id);
  const hooks = videoHooks(ctx.platform);
  const engagement = Promise.all([hooks.stats?.(ids), viewer.id && hooks.viewerState ? hooks.viewerState(viewer.id, ids) : undefined]);
  // Awaited below; until then a failure must not count as unhandled (it is thrown there).
  engagement.catch(() => undefined);
  const mentionIds = rows.flatMap((r) => (r.mentions as string[] | null) ?? []);
  const profiles = knownProfiles ?? new Map<string, ProfileRow>();
  const missing = [...rows.map((r) => r.user_id!), ...mentionIds].filter((id) => !profiles.has(id));
  if (missing.length > 0) for (const [id, row] of await profilesById(ctx, missing)) profiles.set(id, row);
  const sounds = await soundSummaries(ctx, rows.map((r) => r.sound_id ?? ""), profiles, urlOf, knownSounds);
  const [stats, states] = await engagement;
  return rows.map((r, i) => {
    const own = r.user_id === viewer.id;
    const remix = r.remix as RemixJson | null;
    const effects = r.effects as EffectsJson | null;
    const playable = r.status === "ready" || (own && r.playable === true);
    return create(VideoSchema, {
      videoId: r.video_id,
      creator: summaryOf(r.user_id!, profiles),
      caption: r.caption ?? "",
      hashtags: (r.hashtags as string[] | null) ?? [],
      mentions: ((r.mentions as string[] | null) ?? []).filter((id) => profiles.has(id)).map((id) => summaryOf(id, profiles)),
      sound: sounds.get(r.sound_id ?? ""),
      privacy: r.privacy ?? Privacy.UNSPECIFIED,
      duetEnabled: r.duet_enabled ?? false,
      stitchEnabled: r.stitch_enabled ?? false,
      commentEnabled: r.comment_enabled ?? false,
      status: r.status === "ready" ? VideoStatus.READY : r.status === "failed" ? VideoStatus.FAILED : VideoStatus.PROCESSING,
      playback: playable ? toPlayback(r.playback as PlaybackJson | null, urlOf) : undefined,
      thumbnailUrl: urlOf(r.thumbnail_path ?? ""),
      durationMs: r.duration_ms ?? 0,
      width: r.width ?? 0,
      height: r.height ?? 0,
      stats: create(VideoStatsSchema, stats?.[i] ?? {}),
      viewer: viewer.id
        ? create(ViewerStateSchema, {
            hasLiked: states?.[i]?.hasLiked ?? false,
            hasSaved: states?.[i]?.hasSaved ?? false,
            followsCreator: !own && viewer.context.follows(r.user_id!),
          })
        : undefined,
      remix: !remix
        ? { case: undefined }
        : remix.kind === "duet"
          ? { case: "duetOf", value: create(DuetSchema, { sourceVideoId: remix.source_video_id }) }
          : {
              case: "stitchOf",
              value: create(StitchSchema, { sourceVideoId: remix.source_video_id, clipStartMs: remix.clip_start_ms, clipEndMs: remix.clip_end_ms }),
            },
      effects: effects
        ? create(EffectsSchema, {
            speed: effects.speed as Speed,
            colorFilter: effects.color_filter as ColorFilter,
            // The background is the creator's own upload: nobody else learns its id.
            greenScreen: own && effects.green_screen_background_upload_id ? create(GreenScreenSchema, { backgroundUploadId: effects.green_screen_background_upload_id }) : undefined,
          })
        : undefined,
      createdAt: r.created_at ? timestampFromDate(r.created_at) : undefined,
      updatedAt: r.updated_at ? timestampFromDate(r.updated_at) : undefined,
    });
  });
}

export function toPlayback(p: PlaybackJson | null | undefined, urlOf: UrlOf): Playback | undefined {
  if (!p) return undefined;
  const renditions = [...p.renditions].sort((a, b) => b.height * b.width - a.height * a.width || b.bandwidth - a.bandwidth);
  return create(PlaybackSchema, {
    masterPlaylistUrl: urlOf(p.master),
    renditions: renditions.map((r) => create(RenditionSchema, { ...r, playlistUrl: urlOf(r.playlist) })),
  });
}

async function soundRowsById(ctx: VideoContext, soundIds: readonly string[]): Promise<Map<string, SoundRow>> {
  const ids = [...new Set(soundIds.filter(Boolean))];
  if (ids.length === 0) return new Map();
  const store = await ctx.models.sounds.store();
  const rows = await store.table(soundsTable).getMany(ids.map((sound_id) => ({ sound_id })));
  const out = new Map<string, SoundRow>();
  for (const r of rows) if (r) out.set(r.sound_id, r);
  return out;
}

async function soundSummaries(
  ctx: VideoContext,
  soundIds: string[],
  profiles: Map<string, ProfileRow>,
  urlOf: UrlOf,
  known?: Map<string, SoundRow>,
): Promise<Map<string, SoundSummary>> {
  const wanted = [...new Set(soundIds.filter(Boolean))];
  const byId = known ? new Map(wanted.flatMap((id) => (known.has(id) ? [[id, known.get(id)!] as const] : []))) : new Map<string, SoundRow>();
  const unknown = wanted.filter((id) => !known?.has(id));
  if (unknown.length > 0) for (const [id, row] of await soundRowsById(ctx, unknown)) byId.set(id, row);
  const rows = [...byId.values()];
  const authors = [...new Set(rows.map((r) => r.author_user_id ?? "").filter((id) => id && !profiles.has(id)))];
  if (authors.length > 0) for (const [id, row] of await profilesById(ctx, authors)) profiles.set(id, row);
  return new Map(rows.map((r) => [r.sound_id, soundSummary(r, profiles.get(r.author_user_id ?? ""), urlOf)]));
}

export function soundSummary(r: SoundRow, author: ProfileRow | undefined, urlOf: UrlOf): SoundSummary {
  const authorName = r.original ? (author ? (author.display_name || author.username || "") : "") : (r.artist ?? "");
  return create(SoundSummarySchema, {
    soundId: r.sound_id,
    title: r.title ?? "",
    authorName,
    original: r.original ?? false,
    coverUrl: r.cover_path ? urlOf(r.cover_path) : (author?.avatar_url ?? ""),
  });
}
