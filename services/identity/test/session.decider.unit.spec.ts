import { SessionRefreshedSchema, SessionRevocationReason, SessionRevokedSchema, SessionStartedSchema } from "@flick/contracts/flick/events/v1/identity_pb";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { DeciderSpecification, UnauthenticatedError } from "@flick/kernel";
import { describe, it } from "vitest";
import { sessionDecider } from "../commands/session.decider.js";
import { event } from "../events.js";

const at = new Date("2026-03-01T10:00:00Z");
const expires = new Date("2026-03-31T10:00:00Z");
const h = (n: number) => new Uint8Array(32).fill(n);
const spec = DeciderSpecification.for(sessionDecider);
const active: { active: boolean; sessionsValidAfter: Date | undefined } = { active: true, sessionsValidAfter: undefined };

const started = event(SessionStartedSchema, {
  sessionId: "ses_1",
  userId: "usr_1",
  refreshTokenId: "t1",
  refreshTokenHash: h(1),
  refreshTokenExpiresAt: timestampFromDate(expires),
  occurredAt: at,
});
const rotated = event(SessionRefreshedSchema, {
  sessionId: "ses_1",
  userId: "usr_1",
  previousRefreshTokenId: "t1",
  refreshTokenId: "t2",
  refreshTokenHash: h(2),
  refreshTokenExpiresAt: timestampFromDate(expires),
  occurredAt: at,
});
const next = { tokenId: "t2", tokenHash: h(2), expiresAt: expires };
const refresh = (tokenId: string, secretHash: Uint8Array, when = at, account = active) => ({
  type: "Refresh" as const,
  tokenId,
  secretHash,
  next,
  account,
  at: when,
});

describe("session decider", () => {
  it("rotates the newest refresh token", () => spec.given([started]).when(refresh("t1", h(1))).then([rotated]));

  it("revokes the whole family when a spent token comes back (theft)", () =>
    spec
      .given([started, rotated])
      .when(refresh("t1", h(1)))
      .then([event(SessionRevokedSchema, { sessionId: "ses_1", userId: "usr_1", reason: SessionRevocationReason.REFRESH_TOKEN_REUSED, occurredAt: at })]));

  it("refuses a forged secret without revoking anything", () => spec.given([started, rotated]).when(refresh("t1", h(9))).thenThrows(UnauthenticatedError));

  it("refuses an expired token", () => spec.given([started]).when(refresh("t1", h(1), new Date("2026-04-01T00:00:00Z"))).thenThrows(UnauthenticatedError));

  it("refuses every token of a revoked session", () =>
    spec
      .given([started, rotated, event(SessionRevokedSchema, { sessionId: "ses_1", userId: "usr_1", reason: SessionRevocationReason.SIGNED_OUT, occurredAt: at })])
      .when(refresh("t2", h(2)))
      .thenThrows(UnauthenticatedError));

  it("ends the session when the account is gone", () =>
    spec
      .given([started])
      .when(refresh("t1", h(1), at, { active: false, sessionsValidAfter: undefined }))
      .then([event(SessionRevokedSchema, { sessionId: "ses_1", userId: "usr_1", reason: SessionRevocationReason.ACCOUNT_DELETED, occurredAt: at })]));

  it("ends a session older than a password reset", () =>
    spec
      .given([started])
      .when(refresh("t1", h(1), at, { active: true, sessionsValidAfter: new Date("2026-03-01T10:00:01Z") }))
      .then([event(SessionRevokedSchema, { sessionId: "ses_1", userId: "usr_1", reason: SessionRevocationReason.PASSWORD_RESET, occurredAt: at })]));

  it("revokes once (signing out twice is a no-op)", () => {
    const revoked = event(SessionRevokedSchema, { sessionId: "ses_1", userId: "usr_1", reason: SessionRevocationReason.SIGNED_OUT, occurredAt: at });
    spec.given([started]).when({ type: "Revoke", reason: SessionRevocationReason.SIGNED_OUT, at }).then([revoked]);
    spec.given([started, revoked]).when({ type: "Revoke", reason: SessionRevocationReason.SIGNED_OUT, at }).thenNothingHappened();
  });
});
