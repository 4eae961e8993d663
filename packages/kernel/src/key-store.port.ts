// Per-user data keys live outside the event log (which is immutable) so that deleting a
// key is enough to erase every copy of that user's personal data (crypto-shredding).
// Adapters: PostgreSQL family (sql.key-store.ts). A key is stored wrapped by the master key.

export interface WrappedKey {
  keyId: string;
  userId: string;
  /** The data key encrypted with the master key (see personal-data.ts for the layout). */
  wrapped: Uint8Array;
}

export interface KeyStore {
  /** The user's key, if any. */
  forUser(userId: string): Promise<WrappedKey | undefined>;
  /** A key by id; undefined once its user has been forgotten. */
  byId(keyId: string): Promise<WrappedKey | undefined>;
  /** Stores `key` unless the user already has one, and returns the key that is stored. */
  putIfAbsent(key: WrappedKey): Promise<WrappedKey>;
  /** Deletes every key of the user; returns how many there were. */
  deleteForUser(userId: string): Promise<number>;
}
