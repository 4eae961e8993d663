// Uniqueness across streams (usernames, emails) without cross-stream transactions: each
// value gets its own small stream, claimed by appending to it while it does not exist
// (expected revision no_stream) or while its last event is a release. A command that
// needs several values claims them first and releases them if a later step fails.
//
// The events are the caller's (e.g. flick.events.v1.UsernameReserved/UsernameReleased),
// described by a ReservationKind; stream names are the caller's too. Values that are
// personal data must not appear in stream names: name those streams by keyedDigest().

import { createHmac } from "node:crypto";
import type { EventMetadata, EventStore } from "@flick/event-store";
import { createJsonCodec, type EventCodec } from "./codec.js";
import { handleCommand } from "./command-handler.js";
import type { Decider } from "./decider.js";
import { AlreadyExistsError } from "./errors.js";

/** How one kind of reservation is written down. */
export interface ReservationKind<E> {
  /** Named in the conflict error: "username is already taken". */
  name: string;
  codec: EventCodec<E>;
  claimed(owner: string, at: Date): E;
  released(owner: string, at: Date): E;
  /** The holder after `event`: its owner for a claim, undefined for a release. */
  holderAfter(event: E): string | undefined;
}

export type ReservationCommand = { type: "Claim" | "Release"; owner: string; at: Date };

export interface ReservationState {
  holder: string | undefined;
}

export function reservationDecider<E>(kind: ReservationKind<E>): Decider<ReservationCommand, ReservationState, E> {
  return {
    initialState: () => ({ holder: undefined }),
    evolve: (_state, event) => ({ holder: kind.holderAfter(event) }),
    decide(command, state) {
      if (command.type === "Claim") {
        if (state.holder === command.owner) return []; // a repeat: already ours
        if (state.holder !== undefined) throw new AlreadyExistsError(kind.name);
        return [kind.claimed(command.owner, command.at)];
      }
      // Releasing what is not ours (or not held) changes nothing: compensation may run twice.
      return state.holder === command.owner ? [kind.released(command.owner, command.at)] : [];
    },
  };
}

export interface ReservationRequest<E> {
  kind: ReservationKind<E>;
  stream: string;
  /** Who holds the value, e.g. the user id. */
  owner: string;
  requestId: string;
  at: Date;
  metadata?: EventMetadata;
}

async function run<E>(store: EventStore, request: ReservationRequest<E>, type: ReservationCommand["type"]) {
  return handleCommand(store, {
    stream: request.stream,
    decider: reservationDecider(request.kind),
    command: { type, owner: request.owner, at: request.at },
    requestId: request.requestId,
    metadata: request.metadata,
    codec: request.kind.codec,
    // The decider is idempotent by owner, and a request whose claim was compensated must
    // be able to claim again: ids are scoped to the stream revision, not only the request.
    idempotency: "decider",
  });
}

/** Claims the value for `owner`; throws AlreadyExistsError when someone else holds it. */
export async function reserve<E>(store: EventStore, request: ReservationRequest<E>): Promise<void> {
  await run(store, request, "Claim");
}

/** Gives the value up if `owner` holds it (rename, account deletion, compensation). */
export async function release<E>(store: EventStore, request: ReservationRequest<E>): Promise<void> {
  await run(store, request, "Release");
}

/**
 * Claims every value, runs `then`, and releases the claims again when `then` throws (or
 * when a later claim is refused), so a failed registration does not keep a username.
 */
export async function withReservations<T>(
  store: EventStore,
  requests: ReservationRequest<unknown>[],
  then: () => Promise<T>,
): Promise<T> {
  const held: ReservationRequest<unknown>[] = [];
  try {
    for (const r of requests) {
      await reserve(store, r);
      held.push(r);
    }
    return await then();
  } catch (err) {
    for (const r of held.reverse()) await release(store, r).catch(() => undefined);
    throw err;
  }
}

/**
 * HMAC-SHA-256 of a normalised value (lower-cased email, E.164 phone) as hex: names a
 * reservation stream ("contact-<digest>") without putting the value in the log, and
 * cannot be reversed by guessing without the key (deriveKey(master, "contact-digest")).
 */
export function keyedDigest(key: Uint8Array, value: string): string {
  return createHmac("sha256", key).update(value, "utf8").digest("hex");
}

/** A JSON-encoded reservation kind, for tests and for values with no protobuf events. */
export function jsonReservationKind(name: string): ReservationKind<JsonReservationEvent> {
  return {
    name,
    codec: createJsonCodec<JsonReservationEvent>({ prefix: "flick.kernel.", knownTypes: ["ReservationClaimed", "ReservationReleased"] }),
    claimed: (owner, at) => ({ type: "ReservationClaimed", owner, at: at.toISOString() }),
    released: (owner, at) => ({ type: "ReservationReleased", owner, at: at.toISOString() }),
    holderAfter: (e) => (e.type === "ReservationClaimed" ? e.owner : undefined),
  };
}

export type JsonReservationEvent =
  | { type: "ReservationClaimed"; owner: string; at: string }
  | { type: "ReservationReleased"; owner: string; at: string };
