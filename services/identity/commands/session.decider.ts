// A session (stream session-<session_id>) is one refresh-token family. Only the newest
// token works; a spent token presented again means it was copied, so the whole family is
// revoked (the thief and the rightful client both sign in again). Tokens are kept as
// SHA-256 hashes of their secrets, never in plain form.
import { timingSafeEqual } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  SessionRefreshedSchema,
  SessionRevocationReason,
  SessionRevokedSchema,
  SessionStartedSchema,
} from "@flick/contracts/flick/events/v1/identity_pb";
import type { EncryptedField } from "@flick/contracts/flick/events/v1/personal_data_pb";
import { UnauthenticatedError, type Decider } from "@flick/kernel";
import { event, toDate, type SessionEvent } from "../events.js";

export interface SessionState {
  status: "none" | "active" | "revoked";
  sessionId: string;
  userId: string;
  startedAt: Date | undefined;
  currentTokenId: string;
  currentHash: Uint8Array;
  expiresAt: Date | undefined;
  /** Hashes of the family's spent tokens, by token id (to recognise a reuse). */
  spent: Record<string, Uint8Array>;
}

export interface NewRefreshToken {
  tokenId: string;
  tokenHash: Uint8Array;
  expiresAt: Date;
}

export type SessionCommand =
  | { type: "Start"; sessionId: string; userId: string; token: NewRefreshToken; deviceName?: EncryptedField; at: Date }
  | {
      type: "Refresh";
      tokenId: string;
      secretHash: Uint8Array;
      next: NewRefreshToken;
      /** The account as it stands now (read from its stream by the caller). */
      account: { active: boolean; sessionsValidAfter: Date | undefined };
      at: Date;
    }
  /** A new pair for a retried request that already rotated the token (the client lost the answer). */
  | { type: "Reissue"; next: NewRefreshToken; at: Date }
  | { type: "Revoke"; reason: SessionRevocationReason; at: Date };

const invalid = () => new UnauthenticatedError("the refresh token is unknown, expired or revoked");

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export const sessionDecider: Decider<SessionCommand, SessionState, SessionEvent> = {
  initialState: () => ({
    status: "none",
    sessionId: "",
    userId: "",
    startedAt: undefined,
    currentTokenId: "",
    currentHash: new Uint8Array(0),
    expiresAt: undefined,
    spent: {},
  }),

  evolve(state, e) {
    switch (e.$typeName) {
      case "flick.events.v1.SessionStarted":
        return {
          ...state,
          status: "active",
          sessionId: e.sessionId,
          userId: e.userId,
          startedAt: toDate(e.occurredAt),
          currentTokenId: e.refreshTokenId,
          currentHash: e.refreshTokenHash,
          expiresAt: toDate(e.refreshTokenExpiresAt),
        };
      case "flick.events.v1.SessionRefreshed":
        return {
          ...state,
          spent: { ...state.spent, [state.currentTokenId]: state.currentHash },
          currentTokenId: e.refreshTokenId,
          currentHash: e.refreshTokenHash,
          expiresAt: toDate(e.refreshTokenExpiresAt),
        };
      case "flick.events.v1.SessionRevoked":
        return { ...state, status: "revoked" };
    }
  },

  decide(command, state) {
    const revoke = (reason: SessionRevocationReason) =>
      event(SessionRevokedSchema, { sessionId: state.sessionId, userId: state.userId, reason, occurredAt: command.at });
    const refreshed = (next: NewRefreshToken) =>
      event(SessionRefreshedSchema, {
        sessionId: state.sessionId,
        userId: state.userId,
        previousRefreshTokenId: state.currentTokenId,
        refreshTokenId: next.tokenId,
        refreshTokenHash: next.tokenHash,
        refreshTokenExpiresAt: timestampFromDate(next.expiresAt),
        occurredAt: command.at,
      });

    switch (command.type) {
      case "Start":
        if (state.status !== "none") return [];
        return [
          event(SessionStartedSchema, {
            sessionId: command.sessionId,
            userId: command.userId,
            refreshTokenId: command.token.tokenId,
            refreshTokenHash: command.token.tokenHash,
            refreshTokenExpiresAt: timestampFromDate(command.token.expiresAt),
            deviceName: command.deviceName,
            occurredAt: command.at,
          }),
        ];
      case "Refresh": {
        if (state.status !== "active") throw invalid();
        if (!command.account.active) return [revoke(SessionRevocationReason.ACCOUNT_DELETED)];
        const validAfter = command.account.sessionsValidAfter;
        if (validAfter && state.startedAt && state.startedAt.getTime() < validAfter.getTime()) {
          return [revoke(SessionRevocationReason.PASSWORD_RESET)];
        }
        if (command.tokenId === state.currentTokenId) {
          if (!same(command.secretHash, state.currentHash)) throw invalid();
          if (!state.expiresAt || state.expiresAt.getTime() <= command.at.getTime()) throw invalid();
          return [refreshed(command.next)];
        }
        const spent = state.spent[command.tokenId];
        if (spent && same(command.secretHash, spent)) return [revoke(SessionRevocationReason.REFRESH_TOKEN_REUSED)];
        throw invalid();
      }
      case "Reissue":
        if (state.status !== "active") throw invalid();
        return [refreshed(command.next)];
      case "Revoke":
        return state.status === "active" ? [revoke(command.reason)] : [];
    }
  },
};
