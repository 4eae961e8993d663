// Opaque tokens handed to clients: refresh tokens and password reset tokens. Each is
// "<version>.<where to look>.<token id>.<secret>"; only SHA-256(secret) is stored, so a
// copy of the event log or a read model cannot be replayed as a token.
import { createHash, randomBytes } from "node:crypto";
import { UnauthenticatedError } from "@flick/kernel";

export const sha256 = (text: string): Uint8Array => new Uint8Array(createHash("sha256").update(text, "utf8").digest());

const randomPart = (bytes: number) => randomBytes(bytes).toString("base64url");

/** Session ids are derived from the account and the client's request id: a retried sign-in lands in the same session. */
export function sessionIdFor(userId: string, requestId: string): string {
  return `ses_${createHash("sha256").update(`${userId}\u0000${requestId}`).digest("hex").slice(0, 32)}`;
}

export interface IssuedSecret {
  token: string;
  tokenId: string;
  hash: Uint8Array;
}

export interface ParsedSecret {
  /** The session id (refresh tokens) or user id (reset tokens). */
  owner: string;
  tokenId: string;
  hash: Uint8Array;
}

function issue(version: string, owner: string): IssuedSecret {
  const tokenId = randomPart(12);
  const secret = randomPart(32);
  return { token: `${version}.${owner}.${tokenId}.${secret}`, tokenId, hash: sha256(secret) };
}

function parse(version: string, token: string, what: string): ParsedSecret {
  const parts = token.split(".");
  const [v, owner, tokenId, secret] = parts;
  const ok = parts.length === 4 && v === version && /^[A-Za-z0-9_]{4,64}$/.test(owner!) && /^[A-Za-z0-9_-]{16}$/.test(tokenId!) && /^[A-Za-z0-9_-]{43}$/.test(secret!);
  if (!ok) throw new UnauthenticatedError(`the ${what} is unknown, expired or revoked`);
  return { owner: owner!, tokenId: tokenId!, hash: sha256(secret!) };
}

export const refreshTokens = {
  issue: (sessionId: string) => issue("rt1", sessionId),
  parse: (token: string) => parse("rt1", token, "refresh token"),
};

export const resetTokens = {
  issue: (userId: string) => issue("pr1", userId),
  parse: (token: string) => parse("pr1", token, "reset token"),
};
