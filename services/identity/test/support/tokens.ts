// Access tokens the server must refuse: expired, signed by another key, or malformed.
import { testKeys } from "../../../test/support.js";
import type { IsolatedServer } from "../../../test/isolated.js";

export async function badTokens(server: IsolatedServer, userId: string) {
  return {
    expired: (await server.signer.sign(userId, "user", new Date(Date.now() - 3_600_000))).token,
    forged: (await testKeys().signer.sign(userId, "admin")).token,
    garbage: "not.a.jwt",
  };
}
