// Emails and phone numbers: normalised once, then known to the log only as a keyed
// digest (HMAC-SHA-256 under a key derived from the master key), which names their
// reservation stream and keys the per-identifier rate limits.
import { ContactKind } from "@flick/contracts/flick/events/v1/identity_pb";
import { deriveKey, keyedDigest, resolveMasterKey } from "@flick/kernel";
import type { Config } from "@flick/server";

export interface Contact {
  kind: ContactKind.EMAIL | ContactKind.PHONE;
  /** Normalised: a lower-cased email address, or an E.164 number. */
  value: string;
}

export const email = (value: string): Contact => ({ kind: ContactKind.EMAIL, value: value.trim().toLowerCase() });
export const phone = (value: string): Contact => ({ kind: ContactKind.PHONE, value: value.trim() });

/** What a sign-in identifier names: an email (has '@'), a phone (starts with '+'), or a username. */
export function classifyIdentifier(identifier: string): { contact: Contact } | { username: string } {
  const id = identifier.trim();
  if (id.includes("@")) return { contact: email(id) };
  if (/^\+[1-9][0-9]{6,14}$/.test(id)) return { contact: phone(id) };
  return { username: id };
}

export interface ContactDigester {
  /** Hex digest of a contact: names its reservation stream. */
  digest(contact: Contact): string;
  /** Hex digest of any identifier, for rate-limit keys (no personal data in the fast store). */
  digestText(purpose: string, text: string): string;
}

export function createContactDigester(config: Config): ContactDigester {
  const master = resolveMasterKey(config.FLICK_MASTER_KEY, config.FLICK_PROFILE).key;
  const contactKey = deriveKey(master, "contact-digest");
  const limitKey = deriveKey(master, "rate-limit-keys");
  return {
    digest: (c) => keyedDigest(contactKey, `${c.kind === ContactKind.PHONE ? "phone" : "email"}:${c.value}`),
    digestText: (purpose, text) => keyedDigest(limitKey, `${purpose}:${text.trim().toLowerCase()}`).slice(0, 32),
  };
}
