import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** An API key: `rk_<key id>_<secret>`; the key id is stored in clear, the secret only hashed. */
const KEY_PATTERN = /^rk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
const HASH_BYTES = 32;

export interface NewKey {
  readonly key: string;
  readonly keyId: string;
  readonly salt: string;
  readonly hash: string;
}

function scryptHex(secret: string, saltHex: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, Buffer.from(saltHex, 'hex'), HASH_BYTES, SCRYPT, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** A fresh random key with its id, salt and hash (the key itself is shown once, never stored). */
export async function newKey(): Promise<NewKey> {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  const hash = (await scryptHex(secret, salt)).toString('hex');
  return { key: `rk_${keyId}_${secret}`, keyId, salt, hash };
}

/** The id and secret of a well-formed key, or undefined. */
export function parseKey(key: string): { keyId: string; secret: string } | undefined {
  const m = KEY_PATTERN.exec(key);
  return m ? { keyId: m[1]!, secret: m[2]! } : undefined;
}

/** Whether `secret` hashes to `hashHex` with `saltHex`, compared in constant time. */
export async function verifySecret(secret: string, saltHex: string, hashHex: string): Promise<boolean> {
  const expected = Buffer.from(hashHex, 'hex');
  const actual = await scryptHex(secret, saltHex);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
