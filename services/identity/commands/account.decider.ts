// The account aggregate (stream account-<user_id>): registration, the public profile,
// the password and its resets, the verified badge, the username, deletion. Personal
// values arrive already sealed (the service encrypts them with the user's key): the
// decider only keeps them, so it stays pure.
import { timingSafeEqual } from "node:crypto";
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
import type { EncryptedField } from "@flick/contracts/flick/events/v1/personal_data_pb";
import {
  AlreadyExistsError,
  FailedPreconditionError,
  NotFoundError,
  personalDataContext,
  UnauthenticatedError,
  type Decider,
} from "@flick/kernel";
import { event, toDate, type AccountEvent } from "../events.js";

/** A sealed value and the associated data it was sealed with (needed to open it). */
export interface SealedValue {
  field: EncryptedField;
  context: string;
}

export interface ProfileFields {
  displayName: string;
  bio: string;
  avatarUrl: string;
  profileVideoId: string;
  privateAccount: boolean;
}

export interface AccountState extends ProfileFields {
  status: "none" | "active" | "deleted";
  userId: string;
  username: string;
  verified: boolean;
  createdAt: Date | undefined;
  usernameChangedAt: Date | undefined;
  email: SealedValue | undefined;
  phone: SealedValue | undefined;
  birthDate: SealedValue | undefined;
  passwordHash: SealedValue | undefined;
  /** Pending password resets by id. */
  resets: Record<string, { tokenHash: Uint8Array; expiresAt: Date }>;
  /** Sessions that began before this instant are void (the password was reset). */
  sessionsValidAfter: Date | undefined;
}

export type ProfileChanges = Partial<ProfileFields>;

export type AccountCommand =
  | {
      type: "Register";
      userId: string;
      username: string;
      displayName: string;
      email?: EncryptedField;
      phone?: EncryptedField;
      passwordHash: EncryptedField;
      birthDate?: EncryptedField;
      at: Date;
    }
  | { type: "UpdateProfile"; changes: ProfileChanges; at: Date }
  | { type: "SetVerified"; verified: boolean; adminUserId: string; at: Date }
  | { type: "ChangeUsername"; username: string; cooldownMs: number; at: Date }
  | { type: "RequestPasswordReset"; resetId: string; tokenHash: Uint8Array; expiresAt: Date; channel: ContactKind; at: Date }
  /** The current password has been checked by the caller. */
  | { type: "ChangePassword"; passwordHash: EncryptedField; at: Date }
  | { type: "ResetPassword"; resetId: string; tokenHash: Uint8Array; passwordHash: EncryptedField; at: Date }
  | { type: "Delete"; keyId: string; at: Date };

const REGISTERED = "flick.events.v1.AccountRegistered";
const PASSWORD_CHANGED = "flick.events.v1.PasswordChanged";

const sealedValue = (field: EncryptedField | undefined, type: string, name: string, userId: string): SealedValue | undefined =>
  field ? { field, context: personalDataContext(type, name, userId) } : undefined;

/** The associated data the service must seal each personal value with. */
export const sealingContext = {
  registration: (field: "email" | "phone" | "password_hash" | "birth_date", userId: string) => personalDataContext(REGISTERED, field, userId),
  newPassword: (userId: string) => personalDataContext(PASSWORD_CHANGED, "password_hash", userId),
};

const PROFILE_FIELDS: [keyof ProfileFields, string][] = [
  ["displayName", "display_name"],
  ["bio", "bio"],
  ["avatarUrl", "avatar_url"],
  ["profileVideoId", "profile_video_id"],
  ["privateAccount", "private_account"],
];

export const initialAccountState = (): AccountState => ({
  status: "none",
  userId: "",
  username: "",
  displayName: "",
  bio: "",
  avatarUrl: "",
  profileVideoId: "",
  privateAccount: false,
  verified: false,
  createdAt: undefined,
  usernameChangedAt: undefined,
  email: undefined,
  phone: undefined,
  birthDate: undefined,
  passwordHash: undefined,
  resets: {},
  sessionsValidAfter: undefined,
});

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  initialState: initialAccountState,

  evolve(state, e) {
    switch (e.$typeName) {
      case "flick.events.v1.AccountRegistered":
        return {
          ...state,
          status: "active",
          userId: e.userId,
          username: e.username,
          displayName: e.displayName,
          createdAt: toDate(e.occurredAt),
          email: sealedValue(e.email, REGISTERED, "email", e.userId),
          phone: sealedValue(e.phone, REGISTERED, "phone", e.userId),
          birthDate: sealedValue(e.birthDate, REGISTERED, "birth_date", e.userId),
          passwordHash: sealedValue(e.passwordHash, REGISTERED, "password_hash", e.userId),
        };
      case "flick.events.v1.ProfileUpdated":
        return {
          ...state,
          displayName: e.displayName,
          bio: e.bio,
          avatarUrl: e.avatarUrl,
          profileVideoId: e.profileVideoId,
          privateAccount: e.privateAccount,
        };
      case "flick.events.v1.AccountVerificationChanged":
        return { ...state, verified: e.verified };
      case "flick.events.v1.UsernameChanged":
        return { ...state, username: e.newUsername, usernameChangedAt: toDate(e.occurredAt) };
      case "flick.events.v1.PasswordResetRequested":
        return { ...state, resets: { ...state.resets, [e.resetId]: { tokenHash: e.tokenHash, expiresAt: toDate(e.expiresAt) } } };
      case "flick.events.v1.PasswordChanged":
        // Any new password spends every outstanding reset; a reset also voids old sessions.
        return {
          ...state,
          passwordHash: sealedValue(e.passwordHash, PASSWORD_CHANGED, "password_hash", e.userId),
          resets: {},
          sessionsValidAfter: e.method === PasswordChangeMethod.RESET ? toDate(e.occurredAt) : state.sessionsValidAfter,
        };
      case "flick.events.v1.AccountDeleted":
        return { ...initialAccountState(), status: "deleted", userId: e.userId, username: state.username };
    }
  },

  decide(command, state) {
    if (command.type === "Register") {
      if (state.status !== "none") throw new AlreadyExistsError("account", command.userId);
      return [
        event(AccountRegisteredSchema, {
          userId: command.userId,
          username: command.username,
          displayName: command.displayName || command.username,
          email: command.email,
          phone: command.phone,
          passwordHash: command.passwordHash,
          birthDate: command.birthDate,
          occurredAt: command.at,
        }),
      ];
    }
    if (state.status !== "active") throw new NotFoundError("user", state.userId || "account");
    const userId = state.userId;

    switch (command.type) {
      case "UpdateProfile": {
        const next: ProfileFields = { ...state };
        for (const [key] of PROFILE_FIELDS) {
          const value = command.changes[key];
          if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
        }
        // An empty display name means "show the username".
        if (command.changes.displayName === "") next.displayName = state.username;
        const changed = PROFILE_FIELDS.filter(([key]) => next[key] !== state[key]).map(([, name]) => name);
        if (changed.length === 0) return [];
        return [event(ProfileUpdatedSchema, { userId, ...next, changedFields: changed, occurredAt: command.at })];
      }
      case "SetVerified":
        if (state.verified === command.verified) return [];
        return [event(AccountVerificationChangedSchema, { userId, verified: command.verified, adminUserId: command.adminUserId, occurredAt: command.at })];
      case "ChangeUsername": {
        if (command.username === state.username) return [];
        const last = state.usernameChangedAt;
        if (last && command.at.getTime() - last.getTime() < command.cooldownMs) {
          throw new FailedPreconditionError("the username was changed too recently", "USERNAME_CHANGE_COOLDOWN");
        }
        return [event(UsernameChangedSchema, { userId, oldUsername: state.username, newUsername: command.username, occurredAt: command.at })];
      }
      case "RequestPasswordReset":
        return [
          event(PasswordResetRequestedSchema, {
            userId,
            resetId: command.resetId,
            tokenHash: command.tokenHash,
            expiresAt: timestampFromDate(command.expiresAt),
            channel: command.channel,
            occurredAt: command.at,
          }),
        ];
      case "ChangePassword":
        return [event(PasswordChangedSchema, { userId, passwordHash: command.passwordHash, method: PasswordChangeMethod.CHANGED, occurredAt: command.at })];
      case "ResetPassword": {
        const reset = state.resets[command.resetId];
        if (!reset || !sameBytes(reset.tokenHash, command.tokenHash) || reset.expiresAt.getTime() <= command.at.getTime()) {
          throw new UnauthenticatedError("the reset token is unknown, expired or already used");
        }
        return [
          event(PasswordChangedSchema, {
            userId,
            passwordHash: command.passwordHash,
            method: PasswordChangeMethod.RESET,
            resetId: command.resetId,
            occurredAt: command.at,
          }),
        ];
      }
      case "Delete":
        return [event(AccountDeletedSchema, { userId, keyId: command.keyId, occurredAt: command.at })];
    }
  },
};
