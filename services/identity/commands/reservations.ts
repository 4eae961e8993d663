// Uniqueness on the write side: a username or a contact (email, phone) belongs to whoever
// holds its reservation stream, claimed with "no stream" (kernel reservation.ts). Contact
// streams are named by a keyed hash of the normalised value, so the value itself never
// appears in the log.
import { ContactKind, ContactReleasedSchema, ContactReservedSchema, UsernameReleasedSchema, UsernameReservedSchema } from "@flick/contracts/flick/events/v1/identity_pb";
import { createProtobufCodec, fold, reservationDecider, type EventCodec, type ReservationKind } from "@flick/kernel";
import type { EventStore, RecordedEvent } from "@flick/event-store";
import { event, identityRegistry, streams, type ContactReservationEvent, type UsernameReservationEvent } from "../events.js";

const usernameCodec = createProtobufCodec<UsernameReservationEvent>(identityRegistry);
const contactCodec = createProtobufCodec<ContactReservationEvent>(identityRegistry);

/** The reservation of one username (as typed: the stream name is its lower-case form). */
export function usernameKind(username: string): ReservationKind<UsernameReservationEvent> {
  return {
    name: "username",
    codec: usernameCodec,
    claimed: (owner, at) => event(UsernameReservedSchema, { userId: owner, username, occurredAt: at }),
    released: (owner, at) => event(UsernameReleasedSchema, { userId: owner, username, occurredAt: at }),
    holderAfter: (e) => (e.$typeName === "flick.events.v1.UsernameReserved" ? e.userId : undefined),
  };
}

/** The reservation of one email address or phone number, by its keyed digest. */
export function contactKind(kind: ContactKind, digest: Uint8Array): ReservationKind<ContactReservationEvent> {
  return {
    name: kind === ContactKind.PHONE ? "phone number" : "email address",
    codec: contactCodec,
    claimed: (owner, at) => event(ContactReservedSchema, { userId: owner, kind, contactDigest: digest, occurredAt: at }),
    released: (owner, at) => event(ContactReleasedSchema, { userId: owner, kind, contactDigest: digest, occurredAt: at }),
    holderAfter: (e) => (e.$typeName === "flick.events.v1.ContactReserved" ? e.userId : undefined),
  };
}

export interface Holder {
  /** The user holding the value, if anyone. */
  userId: string | undefined;
  /** The client request id that claimed it (to recognise a retried registration). */
  claimedByRequest: string | undefined;
}

async function holderOf<E>(store: EventStore, stream: string, codec: EventCodec<E>, kind: ReservationKind<E>): Promise<Holder> {
  const recorded: RecordedEvent[] = await store.readStream(stream);
  const decoded = recorded.map((r) => ({ r, e: codec.decode(r) })).filter((x): x is { r: RecordedEvent; e: E } => x.e !== undefined);
  const state = fold(reservationDecider(kind), decoded.map((x) => x.e));
  const last = decoded.at(-1);
  return { userId: state.holder, claimedByRequest: state.holder ? last?.r.metadata.requestId : undefined };
}

/** Who holds a username now (read from its reservation stream: strongly consistent). */
export const usernameHolder = (store: EventStore, username: string) =>
  holderOf(store, streams.username(username), usernameCodec, usernameKind(username));

/** Who holds a contact now, by its digest. */
export const contactHolder = (store: EventStore, digestHex: string) =>
  holderOf(store, streams.contact(digestHex), contactCodec, contactKind(ContactKind.EMAIL, new Uint8Array()));
