import type { Engine } from '../../engine';
import { AppError } from '../../errors';
import { isRole, ROLES, type Role, type SecurityContext } from '../../model/access/types';
import { sql } from '../../sql';
import { newKey, parseKey, verifySecret } from './keys';

export interface UserRecord {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  readonly attributes: Record<string, string>;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses `--attr region=EU` values into attributes; a malformed one is a VALIDATION_FAILED. */
export function parseAttributes(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    const name = i > 0 ? pair.slice(0, i) : '';
    if (!ATTRIBUTE_NAME.test(name) || i === pair.length - 1) {
      throw new AppError('VALIDATION_FAILED', `--attr "${pair}": write name=value, e.g. region=EU`);
    }
    out[name] = pair.slice(i + 1);
  }
  return { ...out };
}

/** Adds a user with a fresh key; returns the key, which is shown once and never stored. */
export async function addUser(
  engine: Engine,
  input: { name: string; role: string; attributes?: Record<string, string> },
  now = new Date(),
): Promise<{ key: string; user: UserRecord }> {
  if (!isRole(input.role)) {
    throw new AppError('VALIDATION_FAILED', `unknown role "${input.role}"; use one of ${ROLES.join(', ')}`);
  }
  if (input.name.trim() === '') throw new AppError('VALIDATION_FAILED', 'a user needs a name');
  const k = await newKey();
  const attributes = input.attributes ?? {};
  const created = now.toISOString().slice(0, 23);
  await engine.query(
    sql`INSERT INTO rapport_users VALUES (${k.keyId}, ${input.name}, ${input.role}, ${JSON.stringify(attributes)}, ${k.salt}, ${k.hash}, ${created}, NULL)`,
  );
  return {
    key: k.key,
    user: {
      keyId: k.keyId,
      name: input.name,
      role: input.role,
      attributes,
      createdAt: now.toISOString(),
      revokedAt: null,
    },
  };
}

function recordOf(r: Record<string, unknown>): UserRecord {
  return {
    keyId: String(r['key_id']),
    name: String(r['name']),
    role: String(r['role']) as Role,
    attributes: JSON.parse(String(r['attributes'])) as Record<string, string>,
    createdAt: String(r['created_at']),
    revokedAt: r['revoked_at'] === null || r['revoked_at'] === undefined ? null : String(r['revoked_at']),
  };
}

export async function listUsers(engine: Engine): Promise<UserRecord[]> {
  const r = await engine.query('SELECT * FROM rapport_users ORDER BY created_at, name');
  return r.rows.map(recordOf);
}

/** Revokes every active key of a user name, or one key by its id; returns how many were revoked. */
export async function revokeUser(engine: Engine, nameOrKeyId: string, now = new Date()): Promise<number> {
  const r = await engine.query(
    sql`UPDATE rapport_users SET revoked_at = ${now.toISOString().slice(0, 23)}
        WHERE revoked_at IS NULL AND (name = ${nameOrKeyId} OR key_id = ${nameOrKeyId}) RETURNING key_id`,
  );
  if (r.rows.length === 0) throw new AppError('NOT_FOUND', `no active user or key "${nameOrKeyId}"`);
  return r.rows.length;
}

/**
 * Whether any key is active: without one the server runs in local mode. A warehouse without the
 * users table (an old file opened read-only) has no keys.
 */
export async function hasActiveKeys(engine: Engine): Promise<boolean> {
  const table = await engine.query(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'rapport_users'",
  );
  if (Number(table.rows[0]?.['n'] ?? 0) === 0) return false;
  const r = await engine.query('SELECT count(*) AS n FROM rapport_users WHERE revoked_at IS NULL');
  return Number(r.rows[0]?.['n'] ?? 0) > 0;
}

/** A salt and hash no secret matches, for the unknown-key path. */
const NO_KEY = { salt: '00'.repeat(16), hash: '00'.repeat(32) };

/**
 * The user a key belongs to, or undefined for a malformed, unknown, revoked or wrong key. A
 * well-formed key pays for one scrypt whether its id exists or not, so the answer's timing does
 * not tell which key ids exist (`verify` is a parameter for the test that checks this).
 */
export async function userOfKey(
  engine: Engine,
  key: string,
  verify: typeof verifySecret = verifySecret,
): Promise<SecurityContext | undefined> {
  const parsed = parseKey(key);
  if (!parsed) return undefined;
  const r = await engine.query(
    sql`SELECT * FROM rapport_users WHERE key_id = ${parsed.keyId} AND revoked_at IS NULL`,
  );
  const row = r.rows[0];
  const stored = row ? { salt: String(row['salt']), hash: String(row['hash']) } : NO_KEY;
  const matches = await verify(parsed.secret, stored.salt, stored.hash);
  if (!row || !matches) return undefined;
  const u = recordOf(row);
  return { name: u.name, role: u.role, attributes: u.attributes };
}
