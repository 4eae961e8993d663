// Accounts as other code needs them. Write side: the account's state folded from its
// stream (strongly consistent; for commands and for the caller's own account). Read
// side: profile rows from the profiles read model (for queries).
import type { EventStore } from "@flick/event-store";
import { fold, NotFoundError, type PersonalDataVault } from "@flick/kernel";
import type { Platform } from "../platform/platform.js";
import { accountDecider, type AccountState, type SealedValue } from "./commands/account.decider.js";
import { accountCodec, fromEncryptedField, streams } from "./events.js";
import { identityReadModels } from "./identity.read-models.js";
import { profilesTable, usernamesTable, type ProfileRow } from "./projections/profiles.projection.js";

export async function loadAccount(store: EventStore, userId: string): Promise<AccountState> {
  return (await readAccount(store, userId)).state;
}

/**
 * The account's state, and whether a client request already wrote to it: a retried
 * command (same request id) is answered as done before its preconditions are checked
 * again (a changed password no longer matches the "current" one of the first try).
 */
export async function readAccount(store: EventStore, userId: string): Promise<{ state: AccountState; handled(requestId: string): boolean }> {
  const recorded = await store.readStream(streams.account(userId));
  const state = fold(accountDecider, recorded.map((r) => accountCodec.decode(r)).filter((e) => e !== undefined));
  const requests = new Set(recorded.map((r) => r.metadata.requestId).filter((id) => id !== undefined));
  return { state, handled: (requestId) => requests.has(requestId) };
}

/** The account if it exists and is not deleted; NOT_FOUND otherwise. */
export async function requireAccount(store: EventStore, userId: string): Promise<AccountState> {
  const account = await loadAccount(store, userId);
  if (account.status !== "active") throw new NotFoundError("user", userId);
  return account;
}

/** Opens a sealed personal value; undefined when absent or shredded. */
export async function unseal(vault: PersonalDataVault, value: SealedValue | undefined): Promise<string | undefined> {
  return value ? vault.decrypt(fromEncryptedField(value.field), value.context) : undefined;
}

/** Profile rows by user id, in order (undefined: no such user, or deleted). */
export async function profileRows(platform: Platform, userIds: readonly string[]): Promise<(ProfileRow | undefined)[]> {
  const store = await identityReadModels(platform).profiles.store();
  const table = store.table(profilesTable);
  return table.getMany(userIds.map((user_id) => ({ user_id })));
}

/** The user id that holds a username now, per the read model (case-insensitive). */
export async function userIdByUsername(platform: Platform, username: string): Promise<string | undefined> {
  const store = await identityReadModels(platform).profiles.store();
  return (await store.table(usernamesTable).get({ username_lower: username.toLowerCase() }))?.user_id ?? undefined;
}
