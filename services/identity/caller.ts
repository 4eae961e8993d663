// The caller of an RPC, as the auth interceptor left it in the context.
import type { HandlerContext } from "@connectrpc/connect";
import { UnauthenticatedError } from "@flick/kernel";
import { callerKey, peerAddressKey, type Caller } from "@flick/server";

/** The signed-in caller; the interceptor already refused anonymous calls to such RPCs. */
export function signedIn(ctx: HandlerContext): Caller {
  const caller = ctx.values.get(callerKey);
  if (!caller) throw new UnauthenticatedError();
  return caller;
}

export const viewerOf = (ctx: HandlerContext): string | undefined => ctx.values.get(callerKey)?.userId;
export const peerOf = (ctx: HandlerContext): string => ctx.values.get(peerAddressKey);
