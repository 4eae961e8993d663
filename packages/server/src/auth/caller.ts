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
