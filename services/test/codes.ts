// The Connect code a call ends with (undefined when it succeeds): what bad-parameter
// tests assert on.
import { Code, ConnectError } from "@connectrpc/connect";

export async function codeOf(p: Promise<unknown>): Promise<Code | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return ConnectError.from(e).code;
  }
}
