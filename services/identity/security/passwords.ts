// Password hashing with scrypt (node:crypto; memory-hard, no native add-on to install).
// Stored as a PHC-style string that carries its own parameters, so the cost can be raised
// later without invalidating existing hashes: $scrypt$ln=15,r=8,p=1$<salt>$<hash>.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function scrypt(password: string, salt: Uint8Array, options: { N: number; r: number; p: number }): Promise<Buffer> {
  // Node's default maxmem (32 MiB) is exactly what N = 2^15, r = 8 needs: leave headroom.
  const opts: ScryptOptions = { ...options, maxmem: 256 * options.N * options.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFC"), salt, KEY_LENGTH, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a hash it cannot read. */
  verify(password: string, stored: string): Promise<boolean>;
  /** Spends the time of one verification, so an unknown account answers no faster than a wrong password. */
  waste(password: string): Promise<void>;
}

export function createScryptHasher(logN: number): PasswordHasher {
  const params = { N: 2 ** logN, r: 8, p: 1 };
  const dummySalt = randomBytes(SALT_LENGTH);
  return {
    async hash(password) {
      const salt = randomBytes(SALT_LENGTH);
      const key = await scrypt(password, salt, params);
      return `$scrypt$ln=${logN},r=${params.r},p=${params.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
    },
    async verify(password, stored) {
      const m = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
      if (!m) return false;
      const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (ln < 10 || ln > 22 || r < 1 || r > 32 || p < 1 || p > 16) return false;
      const expected = Buffer.from(m[5]!, "base64url");
      const key = await scrypt(password, Buffer.from(m[4]!, "base64url"), { N: 2 ** ln, r, p });
      return key.length === expected.length && timingSafeEqual(key, expected);
    },
    async waste(password) {
      await scrypt(password, dummySalt, params);
    },
  };
}
