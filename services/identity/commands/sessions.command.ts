// Sessions: start (Register, SignIn), refresh with rotation and reuse detection, revoke
// one or all. Access tokens are short-lived EdDSA JWTs from the platform's signer;
// refresh tokens are opaque and stored hashed (security/secrets.ts).
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { SessionRevocationReason } from "@flick/contracts/flick/events/v1/identity_pb";
import { AuthTokensSchema, type AuthTokens } from "@flick/contracts/flick/identity/v1/identity_pb";
import type { EventMetadata } from "@flick/event-store";
import { fold, handleCommand, personalDataContext, UnauthenticatedError } from "@flick/kernel";
import type { Caller } from "@flick/server";
import { loadAccount } from "../accounts.js";
import { sessionCodec, streams, toDate, toEncryptedField } from "../events.js";
import { isAdmin, type IdentityContext } from "../identity.context.js";
import { userSessionsTable } from "../projections/sessions.projection.js";
import { refreshTokens, sessionIdFor, type IssuedSecret } from "../security/secrets.js";
import type { AccountState } from "./account.decider.js";
import { sessionDecider, type NewRefreshToken, type SessionState } from "./session.decider.js";

/** A retried RefreshSession gets a working pair only this soon after the first try. */
const REFRESH_RETRY_WINDOW_MS = 5 * 60_000;

export interface SessionOutcome {
  tokens: AuthTokens;
  checkpoint: string | undefined;
}

const metadataFor = (actor: string): EventMetadata => ({ actor });

function newToken(ctx: IdentityContext, sessionId: string): { issued: IssuedSecret; token: NewRefreshToken } {
  const issued = refreshTokens.issue(sessionId);
  const expiresAt = new Date(ctx.now().getTime() + ctx.config.FLICK_REFRESH_TOKEN_TTL_SECONDS * 1000);
  return { issued, token: { tokenId: issued.tokenId, tokenHash: issued.hash, expiresAt } };
}

async function tokensFor(ctx: IdentityContext, account: AccountState, sessionId: string, refresh: { issued: IssuedSecret; token: NewRefreshToken }) {
  const access = await ctx.platform.tokens.signer.sign(account.userId, isAdmin(ctx.config, account) ? "admin" : "user", ctx.now());
  const ttl = Math.max(60, Math.ceil((access.expiresAt.getTime() - Date.now()) / 1000) + 60);
  await ctx.accessSessions.set(access.tokenId, sessionId, { ttlSeconds: ttl });
  return create(AuthTokensSchema, {
    accessToken: access.token,
    accessTokenExpiresAt: timestampFromDate(access.expiresAt),
    refreshToken: refresh.issued.token,
    refreshTokenExpiresAt: timestampFromDate(refresh.token.expiresAt),
    sessionId,
  });
}

async function readSession(ctx: IdentityContext, sessionId: string): Promise<SessionState> {
  const recorded = await ctx.events.readStream(streams.session(sessionId));
  return fold(sessionDecider, recorded.map((r) => sessionCodec.decode(r)).filter((e) => e !== undefined));
}

/** Hands a fresh pair for an existing session (a retried request whose answer was lost). */
async function reissue(ctx: IdentityContext, account: AccountState, sessionId: string): Promise<SessionOutcome> {
  const refresh = newToken(ctx, sessionId);
  const result = await handleCommand(ctx.events, {
    stream: streams.session(sessionId),
    decider: sessionDecider,
    command: { type: "Reissue", next: refresh.token, at: ctx.now() },
    requestId: randomUUID(),
    metadata: metadataFor(account.userId),
    codec: sessionCodec,
  });
  return { tokens: await tokensFor(ctx, account, sessionId, refresh), checkpoint: result.checkpoint };
}

/**
 * Starts the session of this sign-in. The session id derives from the account and the
 * request id, so a retried Register or SignIn lands in the same session with a fresh pair.
 */
export async function startSession(ctx: IdentityContext, account: AccountState, requestId: string, deviceName: string): Promise<SessionOutcome> {
  const userId = account.userId;
  const sessionId = sessionIdFor(userId, requestId);
  const refresh = newToken(ctx, sessionId);
  const device = deviceName
    ? toEncryptedField(await ctx.platform.vault.encrypt(userId, deviceName, personalDataContext("flick.events.v1.SessionStarted", "device_name", userId)))
    : undefined;
  const result = await handleCommand(ctx.events, {
    stream: streams.session(sessionId),
    decider: sessionDecider,
    command: { type: "Start", sessionId, userId, token: refresh.token, deviceName: device, at: ctx.now() },
    requestId,
    metadata: metadataFor(userId),
    codec: sessionCodec,
  });
  if (result.replayed) return reissue(ctx, account, sessionId);
  return { tokens: await tokensFor(ctx, account, sessionId, refresh), checkpoint: result.checkpoint };
}

export async function refreshSession(ctx: IdentityContext, refreshToken: string, requestId: string): Promise<SessionOutcome> {
  const presented = refreshTokens.parse(refreshToken);
  const sessionId = presented.owner;
  const session = await readSession(ctx, sessionId);
  if (session.status === "none") throw new UnauthenticatedError("the refresh token is unknown, expired or revoked");
  const account = await loadAccount(ctx.events, session.userId);
  const refresh = newToken(ctx, sessionId);
  const result = await handleCommand(ctx.events, {
    stream: streams.session(sessionId),
    decider: sessionDecider,
    command: {
      type: "Refresh",
      tokenId: presented.tokenId,
      secretHash: presented.hash,
      next: refresh.token,
      account: { active: account.status === "active", sessionsValidAfter: account.sessionsValidAfter },
      at: ctx.now(),
    },
    requestId,
    metadata: metadataFor(session.userId),
    codec: sessionCodec,
  });
  const first = result.events[0];
  if (first?.$typeName === "flick.events.v1.SessionRevoked") {
    throw new UnauthenticatedError("the refresh token is unknown, expired or revoked");
  }
  if (result.replayed) {
    // The same request already rotated this very token: hand the client a working pair
    // instead of treating its retry as a theft — but only the holder of that token, soon.
    const spent = session.spent[presented.tokenId];
    const rotatedThis = first?.$typeName === "flick.events.v1.SessionRefreshed" && first.previousRefreshTokenId === presented.tokenId;
    const recent = first !== undefined && ctx.now().getTime() - toDate(first.occurredAt).getTime() < REFRESH_RETRY_WINDOW_MS;
    const holder = spent !== undefined && Buffer.from(spent).equals(Buffer.from(presented.hash));
    if (!rotatedThis || !recent || !holder || session.status !== "active") {
      throw new UnauthenticatedError("the refresh token is unknown, expired or revoked");
    }
    return reissue(ctx, account, sessionId);
  }
  return { tokens: await tokensFor(ctx, account, sessionId, refresh), checkpoint: result.checkpoint };
}

/** Revokes one session; returns the checkpoint of the revocation, if one was written. */
export async function revokeSession(
  ctx: IdentityContext,
  sessionId: string,
  reason: SessionRevocationReason,
  requestId: string,
  actor: string,
): Promise<string | undefined> {
  const result = await handleCommand(ctx.events, {
    stream: streams.session(sessionId),
    decider: sessionDecider,
    command: { type: "Revoke", reason, at: ctx.now() },
    requestId: `${requestId}/revoke`,
    metadata: metadataFor(actor),
    codec: sessionCodec,
  });
  return result.checkpoint;
}

/** The user's sessions per the read model, after it has caught up (bounded). */
export async function listSessions(ctx: IdentityContext, userId: string): Promise<string[]> {
  await ctx.models.sessions.runner.catchUp(3_000);
  const store = await ctx.models.sessions.store();
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.table(userSessionsTable).scan({ user_id: userId }, { limit: 1000, cursor });
    ids.push(...page.rows.map((r) => r.session_id));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

/** Revokes every listed session except `keep`; returns the newest checkpoint written. */
export async function revokeSessions(
  ctx: IdentityContext,
  sessionIds: string[],
  reason: SessionRevocationReason,
  requestId: string,
  actor: string,
  keep?: string,
): Promise<string | undefined> {
  let last: string | undefined;
  for (const id of sessionIds) {
    if (id === keep) continue;
    last = (await revokeSession(ctx, id, reason, requestId, actor)) ?? last;
  }
  return last;
}

/** The session the caller's access token belongs to, if this token came from a sign-in. */
export async function sessionOf(ctx: IdentityContext, caller: Caller): Promise<string | undefined> {
  return ctx.accessSessions.get(caller.tokenId);
}

export async function signOut(ctx: IdentityContext, caller: Caller, requestId: string, everywhere: boolean): Promise<string | undefined> {
  const current = await sessionOf(ctx, caller);
  if (everywhere) {
    const all = await listSessions(ctx, caller.userId);
    const others = await revokeSessions(ctx, all, SessionRevocationReason.SIGNED_OUT_EVERYWHERE, requestId, caller.userId, current);
    const mine = current ? await revokeSession(ctx, current, SessionRevocationReason.SIGNED_OUT, requestId, caller.userId) : undefined;
    return mine ?? others;
  }
  if (!current) throw new UnauthenticatedError("this access token belongs to no session; sign out of all sessions instead");
  const session = await readSession(ctx, current);
  if (session.userId !== caller.userId) throw new UnauthenticatedError("this access token belongs to no session of yours");
  return revokeSession(ctx, current, SessionRevocationReason.SIGNED_OUT, requestId, caller.userId);
}
