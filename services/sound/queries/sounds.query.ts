// Reading sounds: one sound, the videos using it, browsing by popularity or recency, a
// user's favourites. Read models only; videos go through the one visibility check.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { SoundSchema, type Sound } from "@flick/contracts/flick/sound/v1/sound_pb";
import { SoundOrder, SoundOrigin } from "@flick/contracts/flick/sound/v1/sound_service_pb";
import { NotFoundError, ValidationError } from "@flick/kernel";
import { profileRows } from "../../identity/accounts.js";
import { fromRow, toSummary } from "../../identity/views.js";
import { decodeListCursor, encodeListCursor, scanPage } from "../../social/paging.js";
import { loadViewer, type UrlOf } from "../../video/queries/video-view.js";
import { DEFAULT_LIMIT, visiblePage } from "../../video/queries/visible-page.js";
import type { VideoContext } from "../../video/video.context.js";
import { savedSoundStateTable, savedSoundsTable } from "../projections/saved-sounds.projection.js";
import { soundsNewestTable, soundsPopular, soundsTable, soundUsage, soundVideosTable, type SoundRow } from "../projections/sounds.projection.js";

/** Sound rows → API sounds, in order (missing rows are left out). */
export async function toSounds(ctx: VideoContext, viewerId: string | undefined, rows: readonly (SoundRow | undefined)[], urlOf: UrlOf): Promise<Sound[]> {
  const present = rows.filter((r): r is SoundRow => r !== undefined);
  if (present.length === 0) return [];
  const authorIds = [...new Set(present.map((r) => r.author_user_id ?? "").filter(Boolean))];
  const [authors, usage, saved] = await Promise.all([
    profileRows(ctx.platform, authorIds),
    ctx.models.sounds.store().then((s) => s.counters(soundUsage).getMany(present.map((r) => r.sound_id))),
    viewerId
      ? ctx.models.savedSounds.store().then((s) => s.table(savedSoundStateTable).getMany(present.map((r) => ({ user_id: viewerId, sound_id: r.sound_id }))))
      : undefined,
  ]);
  const byId = new Map(authorIds.map((id, i) => [id, authors[i]]));
  return present.map((r, i) => {
    const author = r.author_user_id ? byId.get(r.author_user_id) : undefined;
    return create(SoundSchema, {
      soundId: r.sound_id,
      title: r.title ?? "",
      artist: r.artist ?? "",
      author: author ? toSummary(fromRow(author)) : undefined,
      durationMs: r.duration_ms ?? 0,
      usageCount: BigInt(Math.max(0, usage[i] ?? 0)),
      original: r.original ?? false,
      audioUrl: urlOf(r.audio_path ?? ""),
      sourceVideoId: r.source_video_id ?? "",
      coverUrl: r.cover_path ? urlOf(r.cover_path) : (author?.avatar_url ?? ""),
      createdAt: r.created_at ? timestampFromDate(r.created_at) : undefined,
      viewerSaved: saved?.[i] !== undefined,
    });
  });
}

export async function soundRows(ctx: VideoContext, soundIds: readonly string[]): Promise<(SoundRow | undefined)[]> {
  const store = await ctx.models.sounds.store();
  return store.table(soundsTable).getMany(soundIds.map((sound_id) => ({ sound_id })));
}

export async function getSound(ctx: VideoContext, viewerId: string | undefined, soundId: string, urlOf: UrlOf): Promise<Sound> {
  if (viewerId) await ctx.ryw.settle(viewerId, [ctx.models.sounds, ctx.models.savedSounds]);
  const [sound] = await toSounds(ctx, viewerId, await soundRows(ctx, [soundId]), urlOf);
  if (!sound) throw new NotFoundError("sound", soundId);
  return sound;
}

/**
 * The public videos using a sound, newest first. POPULAR (most viewed) needs the
 * engagement context's view counts; until those exist it lists newest first too.
 */
export async function listSoundVideos(ctx: VideoContext, viewerId: string | undefined, input: { soundId: string; limit: number; cursor: string }, urlOf: UrlOf) {
  const [row] = await soundRows(ctx, [input.soundId]);
  if (!row) throw new NotFoundError("sound", input.soundId);
  const viewer = await loadViewer(ctx, viewerId);
  const store = await ctx.models.sounds.store();
  return visiblePage(ctx, viewer, urlOf, {
    table: store.table(soundVideosTable),
    partition: { sound_id: input.soundId },
    list: `sound-videos:${input.soundId}`,
    limit: input.limit,
    cursor: input.cursor,
  });
}

const originKey = (o: SoundOrigin) => (o === SoundOrigin.LIBRARY ? "library" : o === SoundOrigin.ORIGINAL ? "original" : "all");

export async function browseSounds(ctx: VideoContext, viewerId: string | undefined, input: { order: SoundOrder; origin: SoundOrigin; limit: number; cursor: string }, urlOf: UrlOf) {
  const limit = input.limit || DEFAULT_LIMIT;
  const origin = originKey(input.origin);
  const store = await ctx.models.sounds.store();
  if (input.order === SoundOrder.NEWEST) {
    const page = await scanPage(store.table(soundsNewestTable), { origin }, `sounds-newest:${origin}`, limit, input.cursor);
    return { sounds: await toSounds(ctx, viewerId, await soundRows(ctx, page.rows.map((r) => r.sound_id)), urlOf), nextCursor: page.nextCursor };
  }
  // Most used first: a rank offset into the popularity set (pages may shift as counts move).
  const list = `sounds-popular:${origin}`;
  const raw = decodeListCursor(list, input.cursor);
  const offset = raw === undefined ? 0 : Number(raw);
  if (!Number.isSafeInteger(offset) || offset < 0) throw ValidationError.field("cursor", "invalid cursor");
  const members = await store.sortedSets(soundsPopular).range(origin, offset, limit);
  const sounds = await toSounds(ctx, viewerId, await soundRows(ctx, members.map((m) => m.member)), urlOf);
  return { sounds, nextCursor: members.length === limit ? encodeListCursor(list, String(offset + limit)) : "" };
}

export async function listSavedSounds(ctx: VideoContext, userId: string, input: { limit: number; cursor: string }, urlOf: UrlOf) {
  await ctx.ryw.settle(userId, [ctx.models.savedSounds]);
  const store = await ctx.models.savedSounds.store();
  const page = await scanPage(store.table(savedSoundsTable), { user_id: userId }, `saved-sounds:${userId}`, input.limit || DEFAULT_LIMIT, input.cursor);
  return { sounds: await toSounds(ctx, userId, await soundRows(ctx, page.rows.map((r) => r.sound_id)), urlOf), nextCursor: page.nextCursor };
}
