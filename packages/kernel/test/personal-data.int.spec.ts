import { PGlite } from "@electric-sql/pglite";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EventStore, RecordedEvent } from "@flick/event-store";
import {
  createJsonCodec,
  createPersonalDataVault,
  createSqlKeyStore,
  handleCommand,
  personalDataContext,
  resolveMasterKey,
  sqlFromPglite,
  ValidationError,
  type Decider,
  type PersonalDataVault,
  type Sealed,
  type SqlDatabase,
} from "../src/index.js";
import { engines } from "./support/engines.js";

// A small user aggregate whose events carry an email sealed with the user's key.
type UserCommand = { type: "Register"; userId: string; email: Sealed; handle: string };
type UserEvent = { type: "UserRegistered"; userId: string; email: Sealed; handle: string };
const userDecider: Decider<UserCommand, { registered: boolean }, UserEvent> = {
  initialState: () => ({ registered: false }),
  evolve: () => ({ registered: true }),
  decide: (c, s) => {
    if (s.registered) throw ValidationError.field("user_id", "already registered");
    return [{ type: "UserRegistered", userId: c.userId, email: c.email, handle: c.handle }];
  },
};
const userCodec = createJsonCodec<UserEvent>({ prefix: "test.user.", knownTypes: ["UserRegistered"] });

/** A read model rebuilt from the log: handle → email, or "[erased]" once unreadable. */
async function rebuildDirectory(store: EventStore, vault: PersonalDataVault): Promise<Record<string, string>> {
  const head = await store.headCheckpoint();
  const directory: Record<string, string> = {};
  if (!head) return directory;
  const stop = new AbortController();
  for await (const recorded of store.subscribe({ signal: stop.signal, filter: { categories: ["user"] } }) as AsyncIterable<RecordedEvent>) {
    const event = userCodec.decode(recorded);
    if (event) directory[event.handle] = (await vault.decrypt(event.email)) ?? "[erased]";
    if (store.compareCheckpoints(recorded.checkpoint, head) >= 0) stop.abort();
  }
  return directory;
}

describe("personal data vault (PGlite key store)", () => {
  let lite: PGlite;
  let db: SqlDatabase;
  let vault: PersonalDataVault;
  beforeAll(async () => {
    lite = await PGlite.create();
    db = sqlFromPglite(lite);
    const keys = createSqlKeyStore(db);
    await keys.ensureSchema();
    vault = createPersonalDataVault({ keys, masterKey: resolveMasterKey(undefined, "embedded").key });
  });
  beforeEach(() => db.query("DELETE FROM personal_data_keys"));
  afterAll(() => lite.close());

  it("round-trips a value and never stores it in plain form", async () => {
    const sealed = await vault.encrypt("usr_1", "ada@example.com");
    expect(Buffer.from(sealed.ciphertext).toString("latin1")).not.toContain("ada");
    expect(await vault.decrypt(sealed)).toBe("ada@example.com");
  });

  it("uses one key per user and a fresh nonce per value", async () => {
    const a = await vault.encrypt("usr_1", "x");
    const b = await vault.encrypt("usr_1", "x");
    const c = await vault.encrypt("usr_2", "x");
    expect(a.keyId).toBe(b.keyId);
    expect(a.keyId).not.toBe(c.keyId);
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false);
  });

  it("cannot read a user's data after forget(), and other users are unaffected", async () => {
    const mine = await vault.encrypt("usr_1", "ada@example.com");
    const theirs = await vault.encrypt("usr_2", "bob@example.com");
    await vault.forget("usr_1");
    expect(await vault.decrypt(mine)).toBeUndefined();
    expect(await vault.decrypt(theirs)).toBe("bob@example.com");
  });

  it("rejects tampered ciphertext instead of returning garbage", async () => {
    const sealed = await vault.encrypt("usr_1", "ada@example.com");
    sealed.ciphertext[0]! ^= 1;
    await expect(vault.decrypt(sealed)).rejects.toThrow();
  });

  it("binds a value to its context: moved to another field or user, it does not open", async () => {
    const email = personalDataContext("flick.events.v1.AccountRegistered", "email", "usr_1");
    const sealed = await vault.encrypt("usr_1", "ada@example.com", email);
    expect(await vault.decrypt(sealed, email)).toBe("ada@example.com");
    await expect(vault.decrypt(sealed, personalDataContext("flick.events.v1.AccountRegistered", "phone", "usr_1"))).rejects.toThrow();
  });

  it("cannot unwrap keys with a different master key", async () => {
    const sealed = await vault.encrypt("usr_1", "ada@example.com");
    const other = createPersonalDataVault({ keys: createSqlKeyStore(db), masterKey: resolveMasterKey("ab".repeat(32), "server").key });
    await expect(other.decrypt(sealed)).rejects.toThrow();
  });

  it("requires a master key outside the embedded profile", () => {
    expect(() => resolveMasterKey(undefined, "server")).toThrow(/FLICK_MASTER_KEY/);
    expect(resolveMasterKey(undefined, "embedded").insecure).toBe(true);
    expect(() => resolveMasterKey("c2hvcnQ=", "server")).toThrow(/32 bytes/);
  });
});

for (const engine of engines) {
  describe.skipIf(!engine.available)(`crypto-shredding through the event log on ${engine.name}`, () => {
    let store: EventStore;
    let db: SqlDatabase;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, db, close } = await engine.open());
    });
    afterEach(() => close());

    it("erases a forgotten user's email from every event, and a rebuilt read model shows it erased", async () => {
      const keys = createSqlKeyStore(db);
      await keys.ensureSchema();
      const vault = createPersonalDataVault({ keys, masterKey: resolveMasterKey(undefined, "embedded").key });
      for (const [userId, handle, email] of [
        ["usr_1", "ada", "ada@example.com"],
        ["usr_2", "bob", "bob@example.com"],
      ] as const) {
        await handleCommand(store, {
          stream: `user-${userId}`,
          decider: userDecider,
          command: { type: "Register", userId, handle, email: await vault.encrypt(userId, email) },
          requestId: `req-${userId}`,
          codec: userCodec,
        });
      }
      const raw = await store.readStream("user-usr_1");
      expect(Buffer.from(raw[0]!.data).toString("utf8")).not.toContain("ada@example.com");
      expect(await rebuildDirectory(store, vault)).toEqual({ ada: "ada@example.com", bob: "bob@example.com" });

      await vault.forget("usr_1");

      const event = userCodec.decode((await store.readStream("user-usr_1"))[0]!)!;
      expect(await vault.decrypt(event.email)).toBeUndefined();
      expect(await rebuildDirectory(store, vault)).toEqual({ ada: "[erased]", bob: "bob@example.com" });
    });
  });
}
