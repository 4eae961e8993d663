import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  AccountDeletedSchema,
  AccountRegisteredSchema,
  AccountVerificationChangedSchema,
  ContactKind,
  PasswordChangedSchema,
  PasswordChangeMethod,
  PasswordResetRequestedSchema,
  ProfileUpdatedSchema,
  UsernameChangedSchema,
} from "@flick/contracts/flick/events/v1/identity_pb";
import { EncryptedFieldSchema } from "@flick/contracts/flick/events/v1/personal_data_pb";
import { AlreadyExistsError, DeciderSpecification, FailedPreconditionError, NotFoundError, UnauthenticatedError } from "@flick/kernel";
import { describe, it } from "vitest";
import { accountDecider } from "../commands/account.decider.js";
import { event } from "../events.js";

const at = new Date("2026-03-01T10:00:00Z");
const later = new Date("2026-03-01T11:00:00Z");
const sealed = (tag: string) => create(EncryptedFieldSchema, { keyId: "pdk_1", nonce: new Uint8Array(12), ciphertext: new TextEncoder().encode(tag) });
const hash = new Uint8Array(32).fill(7);
const spec = DeciderSpecification.for(accountDecider);

const registered = event(AccountRegisteredSchema, {
  userId: "usr_1",
  username: "Ana",
  displayName: "Ana",
  email: sealed("email"),
  passwordHash: sealed("hash"),
  occurredAt: at,
});

describe("account decider", () => {
  it("registers an account, the display name defaulting to the username", () =>
    spec
      .given([])
      .when({ type: "Register", userId: "usr_1", username: "Ana", displayName: "", email: sealed("email"), passwordHash: sealed("hash"), at })
      .then([registered]));

  it("refuses to register twice on one stream", () =>
    spec
      .given([registered])
      .when({ type: "Register", userId: "usr_1", username: "Ana", displayName: "", passwordHash: sealed("hash"), at })
      .thenThrows(AlreadyExistsError));

  it("updates only what changed and names the changed fields", () =>
    spec
      .given([registered])
      .when({ type: "UpdateProfile", changes: { bio: "hi", privateAccount: true, displayName: "Ana" }, at: later })
      .then([
        event(ProfileUpdatedSchema, {
          userId: "usr_1",
          displayName: "Ana",
          bio: "hi",
          avatarUrl: "",
          profileVideoId: "",
          privateAccount: true,
          changedFields: ["bio", "private_account"],
          occurredAt: later,
        }),
      ]));

  it("treats an update that changes nothing as done", () =>
    spec.given([registered]).when({ type: "UpdateProfile", changes: { bio: "" }, at }).thenNothingHappened());

  it("resets an empty display name to the username", () =>
    spec
      .given([
        registered,
        event(ProfileUpdatedSchema, { userId: "usr_1", displayName: "Someone", changedFields: ["display_name"], occurredAt: at }),
      ])
      .when({ type: "UpdateProfile", changes: { displayName: "" }, at })
      .then([event(ProfileUpdatedSchema, { userId: "usr_1", displayName: "Ana", changedFields: ["display_name"], occurredAt: at })]));

  it("refuses changes to a deleted account", () =>
    spec
      .given([registered, event(AccountDeletedSchema, { userId: "usr_1", keyId: "pdk_1", occurredAt: at })])
      .when({ type: "UpdateProfile", changes: { bio: "x" }, at })
      .thenThrows(NotFoundError));

  it("sets the verified badge once (a repeat changes nothing)", () => {
    spec
      .given([registered])
      .when({ type: "SetVerified", verified: true, adminUserId: "usr_admin", at })
      .then([event(AccountVerificationChangedSchema, { userId: "usr_1", verified: true, adminUserId: "usr_admin", occurredAt: at })]);
    spec
      .given([registered, event(AccountVerificationChangedSchema, { userId: "usr_1", verified: true, adminUserId: "usr_admin", occurredAt: at })])
      .when({ type: "SetVerified", verified: true, adminUserId: "usr_admin", at })
      .thenNothingHappened();
  });

  it("changes the username, but not twice within the cooldown", () => {
    const changed = event(UsernameChangedSchema, { userId: "usr_1", oldUsername: "Ana", newUsername: "ana_b", occurredAt: at });
    spec.given([registered]).when({ type: "ChangeUsername", username: "ana_b", cooldownMs: 3_600_000, at }).then([changed]);
    spec
      .given([registered, changed])
      .when({ type: "ChangeUsername", username: "ana_c", cooldownMs: 3_600_000 * 2, at: later })
      .thenThrows(FailedPreconditionError);
  });

  describe("password reset", () => {
    const requested = event(PasswordResetRequestedSchema, {
      userId: "usr_1",
      resetId: "r1",
      tokenHash: hash,
      expiresAt: timestampFromDate(later),
      channel: ContactKind.EMAIL,
      occurredAt: at,
    });
    const reset = (tokenHash: Uint8Array, when: Date) => ({ type: "ResetPassword" as const, resetId: "r1", tokenHash, passwordHash: sealed("new"), at: when });

    it("sets the new password with the right token before it expires", () =>
      spec
        .given([registered, requested])
        .when(reset(hash, at))
        .then([event(PasswordChangedSchema, { userId: "usr_1", passwordHash: sealed("new"), method: PasswordChangeMethod.RESET, resetId: "r1", occurredAt: at })]));

    it("refuses a wrong token", () => spec.given([registered, requested]).when(reset(new Uint8Array(32), at)).thenThrows(UnauthenticatedError));

    it("refuses an expired token", () => spec.given([registered, requested]).when(reset(hash, later)).thenThrows(UnauthenticatedError));

    it("refuses a token already used (single use)", () =>
      spec
        .given([registered, requested, event(PasswordChangedSchema, { userId: "usr_1", passwordHash: sealed("new"), method: PasswordChangeMethod.RESET, resetId: "r1", occurredAt: at })])
        .when(reset(hash, at))
        .thenThrows(UnauthenticatedError));

    it("refuses a token made void by a later password change", () =>
      spec
        .given([registered, requested, event(PasswordChangedSchema, { userId: "usr_1", passwordHash: sealed("x"), method: PasswordChangeMethod.CHANGED, occurredAt: at })])
        .when(reset(hash, at))
        .thenThrows(UnauthenticatedError));
  });

  it("deletes the account once", () => {
    const deleted = event(AccountDeletedSchema, { userId: "usr_1", keyId: "pdk_1", occurredAt: at });
    spec.given([registered]).when({ type: "Delete", keyId: "pdk_1", at }).then([deleted]);
    spec.given([registered, deleted]).when({ type: "Delete", keyId: "pdk_1", at }).thenThrows(NotFoundError);
  });
});
