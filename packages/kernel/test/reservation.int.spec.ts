import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EventStore } from "@flick/event-store";
import {
  AlreadyExistsError,
  deriveKey,
  INSECURE_DEV_MASTER_KEY,
  jsonReservationKind,
  keyedDigest,
  release,
  reserve,
  withReservations,
  type ReservationRequest,
} from "../src/index.js";
import { engines } from "./support/engines.js";

const at = new Date("2026-01-01T00:00:00Z");
const usernameKind = jsonReservationKind("username");
const contactKind = jsonReservationKind("email");
const digestKey = deriveKey(INSECURE_DEV_MASTER_KEY, "contact-digest");

for (const engine of engines) {
  describe.skipIf(!engine.available)(`reservations on ${engine.name}`, () => {
    let store: EventStore;
    let close: () => Promise<void>;
    let run = "";
    beforeAll(async () => {
      ({ store, close } = await engine.open());
    });
    afterAll(() => close());
    beforeEach(() => {
      run = randomUUID().slice(0, 8); // the suite shares one store: fresh streams per test
    });

    const username = (owner: string, requestId: string): ReservationRequest<unknown> => ({
      kind: usernameKind,
      stream: `username-ada${run}`,
      owner,
      requestId,
      at,
    });
    const email = (owner: string, requestId: string): ReservationRequest<unknown> => ({
      kind: contactKind,
      stream: `contact-${keyedDigest(digestKey, `ada${run}@example.com`)}`,
      owner,
      requestId,
      at,
    });

    it("lets exactly one of several racing users take a name", async () => {
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => reserve(store, username(`usr_${i}`, `req-${i}`))));
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toBeInstanceOf(AlreadyExistsError);
      expect(await store.readStream(`username-ada${run}`)).toHaveLength(1);
    });

    it("treats a retried claim as done and keeps one event", async () => {
      await reserve(store, username("usr_1", "req-1"));
      await reserve(store, username("usr_1", "req-1"));
      expect(await store.readStream(`username-ada${run}`)).toHaveLength(1);
    });

    it("frees a name on release, for someone else to take", async () => {
      await reserve(store, username("usr_1", "req-1"));
      await release(store, username("usr_1", "req-2"));
      await expect(reserve(store, username("usr_2", "req-3"))).resolves.toBeUndefined();
      await expect(reserve(store, username("usr_1", "req-4"))).rejects.toBeInstanceOf(AlreadyExistsError);
    });

    it("releases the claims when the step after them fails, and a retry of the request can claim again", async () => {
      const claims = [username("usr_1", "req-reg"), email("usr_1", "req-reg")];
      await expect(
        withReservations(store, claims, async () => {
          throw new Error("account append failed");
        }),
      ).rejects.toThrow("account append failed");
      await reserve(store, username("usr_2", "req-other"));
      await release(store, username("usr_2", "req-other-2"));
      // The same request retried: compensation must not have made it a permanent no-op.
      await expect(withReservations(store, claims, async () => "registered")).resolves.toBe("registered");
      await expect(reserve(store, username("usr_3", "req-x"))).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(reserve(store, email("usr_3", "req-y"))).rejects.toThrow("email is already taken");
    });

    it("keeps personal values out of stream names with a keyed digest", () => {
      const stream = email("usr_1", "r").stream;
      expect(stream).toMatch(/^contact-[0-9a-f]{64}$/);
      expect(stream).not.toContain("ada");
      expect(keyedDigest(deriveKey(INSECURE_DEV_MASTER_KEY, "other"), `ada${run}@example.com`)).not.toBe(stream.slice(8));
    });
  });
}
