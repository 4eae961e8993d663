// Identity's events (proto/flick/events/v1/identity.proto) as the kernel sees them: one
// protobuf codec for the context, the stream names, and small helpers to build events.
//
// Streams: account-<user_id> (account and profile), session-<session_id> (one refresh
// token family), username-<lower-case username> and contact-<hex keyed digest>
// (uniqueness reservations).
import { create, createRegistry, type MessageInitShape, type DescMessage } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import {
  file_flick_events_v1_identity,
  type AccountDeleted,
  type AccountRegistered,
  type AccountVerificationChanged,
  type ContactReleased,
  type ContactReserved,
  type PasswordChanged,
  type PasswordResetRequested,
  type ProfileUpdated,
  type SessionRefreshed,
  type SessionRevoked,
  type SessionStarted,
  type UsernameChanged,
  type UsernameReleased,
  type UsernameReserved,
} from "@flick/contracts/flick/events/v1/identity_pb";
import { EncryptedFieldSchema, file_flick_events_v1_personal_data, type EncryptedField } from "@flick/contracts/flick/events/v1/personal_data_pb";
import { createProtobufCodec, type Sealed } from "@flick/kernel";

export const identityRegistry = createRegistry(file_flick_events_v1_identity, file_flick_events_v1_personal_data);

export type AccountEvent =
  | AccountRegistered
  | UsernameChanged
  | PasswordChanged
  | PasswordResetRequested
  | AccountVerificationChanged
  | ProfileUpdated
  | AccountDeleted;

export type SessionEvent = SessionStarted | SessionRefreshed | SessionRevoked;
export type UsernameReservationEvent = UsernameReserved | UsernameReleased;
export type ContactReservationEvent = ContactReserved | ContactReleased;
export type IdentityEvent = AccountEvent | SessionEvent | UsernameReservationEvent | ContactReservationEvent;

export const accountCodec = createProtobufCodec<AccountEvent>(identityRegistry);
export const sessionCodec = createProtobufCodec<SessionEvent>(identityRegistry);
export const identityCodec = createProtobufCodec<IdentityEvent>(identityRegistry);

export const streams = {
  account: (userId: string) => `account-${userId}`,
  session: (sessionId: string) => `session-${sessionId}`,
  username: (username: string) => `username-${username.toLowerCase()}`,
  contact: (digestHex: string) => `contact-${digestHex}`,
};

/** Builds an event message; `occurredAt` is given as a Date. */
export function event<Desc extends DescMessage>(
  schema: Desc,
  init: Omit<MessageInitShape<Desc>, "occurredAt" | "$typeName"> & { occurredAt: Date },
) {
  return create(schema, { ...init, occurredAt: timestampFromDate(init.occurredAt) } as unknown as MessageInitShape<Desc>);
}

export const toDate = (t: Timestamp | undefined): Date => (t ? timestampDate(t) : new Date(0));

export function toEncryptedField(sealed: Sealed): EncryptedField {
  return create(EncryptedFieldSchema, { keyId: sealed.keyId, nonce: sealed.nonce, ciphertext: sealed.ciphertext });
}

export function fromEncryptedField(field: EncryptedField): Sealed {
  return { keyId: field.keyId, nonce: field.nonce, ciphertext: field.ciphertext };
}
