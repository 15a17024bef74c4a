import { errors, jwtVerify } from 'jose';
import { isRole, type SecurityContext } from '../../model/access/types';

/** Registered claims that are not user attributes. */
const RESERVED = new Set([
  'iat',
  'exp',
  'nbf',
  'iss',
  'aud',
  'jti',
  'sub',
  'role',
  'name',
  'u',
  'securityContext',
]);

function flat(claims: Record<string, unknown>): Record<string, unknown> {
  // Cube's clients nest the security context under `u` or `securityContext`; both are accepted.
  const nested = [claims['u'], claims['securityContext']].filter(
    (x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x),
  );
  return Object.assign({}, claims, ...nested);
}

/**
 * The user an HS256 token signed with `secret` describes: `role` (required) and every other
 * string or number claim as an attribute. Undefined for a bad signature, an expired token or
 * a missing or unknown role.
 */
export async function userOfJwt(token: string, secret: string): Promise<SecurityContext | undefined> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    const claims = flat(payload as Record<string, unknown>);
    const role = claims['role'];
    if (typeof role !== 'string' || !isRole(role)) return undefined;
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(claims)) {
      if (RESERVED.has(k)) continue;
      if (typeof v === 'string' || typeof v === 'number') attributes[k] = String(v);
    }
    const name =
      typeof claims['name'] === 'string'
        ? claims['name']
        : typeof claims['sub'] === 'string'
          ? claims['sub']
          : 'jwt';
    return { name, role, attributes };
  } catch (e) {
    if (e instanceof errors.JOSEError) return undefined;
    throw e;
  }
}
