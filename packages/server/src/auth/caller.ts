import { createContextKey } from "@connectrpc/connect";

export type Role = "user" | "admin";

/** Who is calling, as proven by a verified access token. */
export interface Caller {
  userId: string;
  role: Role;
  /** The token's id (jti), for revocation checks and audit. */
  tokenId: string;
}

/** Set by the auth interceptor; handlers read it with `ctx.values.get(callerKey)`. */
export const callerKey = createContextKey<Caller | undefined>(undefined, { description: "flick caller" });

/**
 * The client's address: the first X-Forwarded-For hop when the request came through
 * Envoy (trusted: the services are not exposed directly), else the socket's peer.
 * Used for per-address rate limits.
 */
export const peerAddressKey = createContextKey<string>("unknown", { description: "flick peer address" });

/**
 * Aborted when the server starts draining. Server-streaming handlers end their stream
 * on it (AbortSignal.any([ctx.signal, ctx.values.get(shutdownKey)])), so clients
 * reconnect elsewhere instead of being cut at the end of the grace period.
 */
export const shutdownKey = createContextKey<AbortSignal>(new AbortController().signal, { description: "flick shutdown" });
