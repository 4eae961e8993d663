// Access tokens: JWT signed with EdDSA (Ed25519). Asymmetric, so Envoy's jwt_authn and
// other services verify with the public key (JWKS) and only the identity service signs.
// Verified tokens are cached until they expire: Ed25519 verification costs tens of
// microseconds and a client sends the same token with every call.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateKeyPairSync, randomUUID, type KeyObject, createPrivateKey, createPublicKey } from "node:crypto";
import { SignJWT, exportJWK, jwtVerify, type JWK } from "jose";
import type { Caller, Role } from "./caller.js";

export const JWT_ALGORITHM = "EdDSA";

export interface TokenKeys {
  privateKey?: KeyObject;
  publicKey: KeyObject;
}

export interface TokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Loads PEM keys from config, or generates and persists a dev key pair in the data dir. */
export function loadTokenKeys(opts: { privatePem?: string; publicPem?: string; dataDir?: string }): TokenKeys {
  if (opts.privatePem) {
    const privateKey = createPrivateKey(opts.privatePem);
    return { privateKey, publicKey: opts.publicPem ? createPublicKey(opts.publicPem) : createPublicKey(privateKey) };
  }
  if (opts.publicPem) return { publicKey: createPublicKey(opts.publicPem) };
  if (!opts.dataDir) return ephemeralKeys();
  const file = join(opts.dataDir, "keys", "jwt-ed25519.pem");
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync("ed25519");
    writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  }
  const privateKey = createPrivateKey(readFileSync(file, "utf8"));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export function ephemeralKeys(): TokenKeys {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey };
}

export class TokenSigner {
  constructor(
    private readonly keys: TokenKeys,
    private readonly settings: TokenSettings,
  ) {
    if (!keys.privateKey) throw new Error("token signer needs a private key");
  }

  async sign(userId: string, role: Role, now = new Date()): Promise<{ token: string; expiresAt: Date; tokenId: string }> {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.settings.ttlSeconds;
    const tokenId = randomUUID();
    const token = await new SignJWT({ role })
      .setProtectedHeader({ alg: JWT_ALGORITHM, typ: "JWT", kid: "flick-1" })
      .setSubject(userId)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(tokenId)
      .sign(this.keys.privateKey!);
    return { token, expiresAt: new Date(exp * 1000), tokenId };
  }

  /** The public key as a JWKS document, for Envoy's jwt_authn and other verifiers. */
  jwks(): Promise<{ keys: JWK[] }> {
    return publicJwks(this.keys);
  }
}

/** The public key as a JWKS document (kid "flick-1"): for Envoy's jwt_authn and others. */
export async function publicJwks(keys: TokenKeys): Promise<{ keys: JWK[] }> {
  const jwk = await exportJWK(keys.publicKey);
  return { keys: [{ ...jwk, alg: JWT_ALGORITHM, use: "sig", kid: "flick-1" }] };
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "InvalidTokenError";
  }
}

export class TokenVerifier {
  private readonly cache = new Map<string, { caller: Caller; expMs: number }>();

  constructor(
    private readonly keys: TokenKeys,
    private readonly settings: Omit<TokenSettings, "ttlSeconds">,
    private readonly maxCached = 50_000,
  ) {}

  /** A token verified before and not expired since; undefined means "call verify". */
  cached(token: string, nowMs = Date.now()): Caller | undefined {
    const hit = this.cache.get(token);
    return hit && hit.expMs > nowMs ? hit.caller : undefined;
  }

  async verify(token: string, nowMs = Date.now()): Promise<Caller> {
    const hit = this.cache.get(token);
    if (hit) {
      if (hit.expMs > nowMs) return hit.caller;
      this.cache.delete(token);
      throw new InvalidTokenError("token expired");
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keys.publicKey, {
        algorithms: [JWT_ALGORITHM],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        currentDate: new Date(nowMs),
      }));
    } catch (e) {
      throw new InvalidTokenError(e instanceof Error && e.name === "JWTExpired" ? "token expired" : "invalid token");
    }
    if (typeof payload.sub !== "string" || typeof payload.jti !== "string" || typeof payload.exp !== "number") {
      throw new InvalidTokenError("token lacks sub, jti or exp");
    }
    const role: Role = payload.role === "admin" ? "admin" : "user";
    const caller: Caller = { userId: payload.sub, role, tokenId: payload.jti };
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, { caller, expMs: payload.exp * 1000 });
    return caller;
  }
}
