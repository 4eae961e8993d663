// Personal data (email, phone, password hash, birth date) never enters the immutable log in
// plain form: it is sealed with the user's own AES-256-GCM data key, and forgetting the
// user deletes that key, after which every sealed copy — in events, in snapshots, in
// backups of the log — is unreadable (crypto-shredding).

import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomUUID } from "node:crypto";
import type { KeyStore, WrappedKey } from "./key-store.port.js";

/** A sealed value as events carry it (flick.events.v1.EncryptedField has the same fields). */
export interface Sealed {
  keyId: string;
  /** 12-byte GCM nonce, random per value. */
  nonce: Uint8Array;
  /** Ciphertext followed by the 16-byte GCM tag. */
  ciphertext: Uint8Array;
}

export interface PersonalDataVault {
  /**
   * Seals `plaintext` under the user's key (created on first use). `context` is bound as
   * associated data, so the ciphertext cannot be moved to another field or user: use
   * personalDataContext(eventType, field, userId).
   */
  encrypt(userId: string, plaintext: string, context?: string): Promise<Sealed>;
  /** The plaintext, or undefined once the user's key has been deleted. Throws if tampered. */
  decrypt(sealed: Sealed, context?: string): Promise<string | undefined>;
  /** Deletes the user's key: everything sealed for them becomes unreadable. */
  forget(userId: string): Promise<void>;
}

const WRAP_VERSION = 1;
const TAG = 16;
const NONCE = 12;

/**
 * The key every local checkout shares so that `npm start` works with zero configuration.
 * INSECURE: anyone can read it here. Only the embedded profile may fall back to it.
 */
export const INSECURE_DEV_MASTER_KEY: Uint8Array = createHash("sha256").update("flick insecure development master key").digest();

/**
 * The master key from configuration (FLICK_MASTER_KEY: 32 bytes as 64 hex chars or
 * base64). Missing is allowed only in the embedded profile, which uses the dev key.
 */
export function resolveMasterKey(value: string | undefined, profile: string): { key: Uint8Array; insecure: boolean } {
  if (!value) {
    if (profile !== "embedded") throw new Error(`FLICK_MASTER_KEY is required in the ${profile} profile`);
    return { key: INSECURE_DEV_MASTER_KEY, insecure: true };
  }
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  if (key.length !== 32) throw new Error("FLICK_MASTER_KEY must be 32 bytes (64 hex characters or base64)");
  return { key, insecure: false };
}

/** "<event type full name>/<field name>/<user id>", the associated data events.v1 recommends. */
export function personalDataContext(eventType: string, field: string, userId: string): string {
  return `${eventType}/${field}/${userId}`;
}

/** A separate key per purpose (key wrapping, reservation hashes…) from one master key. */
export function deriveKey(master: Uint8Array, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", master, new Uint8Array(0), `flick:${purpose}`, 32));
}

function seal(key: Uint8Array, plaintext: Uint8Array, aad: string): { nonce: Uint8Array; ciphertext: Uint8Array } {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { nonce, ciphertext: body };
}

function open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad: string): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG));
  return Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - TAG)), decipher.final()]);
}

export function createPersonalDataVault(options: { keys: KeyStore; masterKey: Uint8Array }): PersonalDataVault {
  const { keys } = options;
  const wrappingKey = deriveKey(options.masterKey, "key-wrapping");
  // The AAD binds a wrapped key to its id and user: a row copied to another user fails.
  const wrapAad = (k: Pick<WrappedKey, "keyId" | "userId">) => `${k.keyId}\u0000${k.userId}`;

  const wrap = (keyId: string, userId: string, dataKey: Uint8Array): WrappedKey => {
    const { nonce, ciphertext } = seal(wrappingKey, dataKey, wrapAad({ keyId, userId }));
    return { keyId, userId, wrapped: Buffer.concat([Buffer.of(WRAP_VERSION), nonce, ciphertext]) };
  };
  const unwrap = (k: WrappedKey): Uint8Array => {
    if (k.wrapped[0] !== WRAP_VERSION) throw new Error(`key ${k.keyId}: unknown wrapping version ${k.wrapped[0]}`);
    return open(wrappingKey, k.wrapped.subarray(1, 1 + NONCE), k.wrapped.subarray(1 + NONCE), wrapAad(k));
  };

  return {
    async encrypt(userId, plaintext, context = "") {
      let stored = await keys.forUser(userId);
      if (!stored) stored = await keys.putIfAbsent(wrap(`pdk_${randomUUID()}`, userId, randomBytes(32)));
      const { nonce, ciphertext } = seal(unwrap(stored), Buffer.from(plaintext, "utf8"), context);
      return { keyId: stored.keyId, nonce: new Uint8Array(nonce), ciphertext: new Uint8Array(ciphertext) };
    },
    async decrypt(sealed, context = "") {
      const stored = await keys.byId(sealed.keyId);
      if (!stored) return undefined;
      return open(unwrap(stored), sealed.nonce, sealed.ciphertext, context).toString("utf8");
    },
    async forget(userId) {
      await keys.deleteForUser(userId);
    },
  };
}
