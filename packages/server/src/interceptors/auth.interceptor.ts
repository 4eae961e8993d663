// Authentication: verifies the bearer token and puts the caller in the context.
// Who may call what is declared in the protos (flick.common.v1.access), so the rule is
// part of the public contract and every generated client documents it.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { getOption, type DescMethod } from "@bufbuild/protobuf";
import { Access, access } from "@flick/contracts/flick/common/v1/access_pb";
import { callerKey } from "../auth/caller.js";
import type { TokenVerifier } from "../auth/tokens.js";

const accessCache = new WeakMap<DescMethod, Access>();

/** Access rule of a method; infrastructure services (health, reflection) are open. */
export function accessOf(method: DescMethod): Access {
  let a = accessCache.get(method);
  if (a === undefined) {
    a = method.parent.typeName.startsWith("flick.") ? getOption(method, access) : Access.ANONYMOUS;
    accessCache.set(method, a);
  }
  return a;
}

export function authInterceptor(verifier: TokenVerifier): Interceptor {
  return (next) => async (req) => {
    const rule = accessOf(req.method);
    const header = req.header.get("authorization");
    if (header) {
      const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header);
      if (!match) throw new ConnectError("authorization header must be 'Bearer <jwt>'", Code.Unauthenticated);
      try {
        // The cached path stays synchronous: no extra await on every call.
        req.contextValues.set(callerKey, verifier.cached(match[1]!) ?? (await verifier.verify(match[1]!)));
      } catch (e) {
        throw new ConnectError(e instanceof Error ? e.message : "invalid token", Code.Unauthenticated);
      }
    }
    const caller = req.contextValues.get(callerKey);
    if (rule !== Access.ANONYMOUS && !caller) {
      throw new ConnectError("sign in required: send 'Authorization: Bearer <access token>'", Code.Unauthenticated);
    }
    if (rule === Access.ADMIN && caller?.role !== "admin") {
      throw new ConnectError("admin role required", Code.PermissionDenied);
    }
    return next(req);
  };
}
