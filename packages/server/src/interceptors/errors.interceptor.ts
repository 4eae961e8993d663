// Maps domain errors (thrown by deciders and queries, @flick/kernel) to Connect codes in
// one place, so handlers never pick codes and every RPC reports the same way.
// A domain ValidationError carries the same structured detail (buf.validate.Violations)
// that protovalidate attaches, so clients handle both kinds of bad input alike.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { domainErrorCode, ValidationError } from "@flick/kernel";

export function toConnectError(err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  const code = domainErrorCode(err);
  if (code !== undefined) {
    const e = err as Error;
    const ce = new ConnectError(e.message, Code[snakeToPascal(code) as keyof typeof Code] as Code, undefined, undefined, e);
    if (e instanceof ValidationError) {
      ce.details.push({
        desc: ViolationsSchema,
        value: create(ViolationsSchema, {
          violations: e.violations.map((v) => ({
            field: { elements: v.field.split(".").map((fieldName) => ({ fieldName })) },
            ruleId: "flick.domain",
            message: v.description,
          })),
        }),
      });
    }
    return ce;
  }
  // Anything else is a bug or an infrastructure failure: log it, do not leak its text.
  console.error("internal error:", err);
  return new ConnectError("internal error", Code.Internal, undefined, undefined, err);
}

function snakeToPascal(s: string): string {
  return s.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
}

export const errorsInterceptor: Interceptor = (next) => async (req) => {
  try {
    const res = await next(req);
    if (!res.stream) return res;
    const inner = res.message;
    return {
      ...res,
      message: (async function* () {
        try {
          yield* inner;
        } catch (e) {
          throw toConnectError(e);
        }
      })(),
    };
  } catch (e) {
    throw toConnectError(e);
  }
};
