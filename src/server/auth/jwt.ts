import { errors, jwtVerify } from 'jose';
import { AppError } from '../../errors';
import { isRole, type SecurityContext } from '../../model/access/types';
import type { Model } from '../../model/types';

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
const NESTED = ['u', 'securityContext'] as const;

function malformed(message: string, claim: string): AppError {
  return new AppError('UNAUTHENTICATED', `the token is not accepted: ${message}`, { claim });
}

/**
 * The claims of a token as one record. Cube's clients nest the security context under `u` or
 * `securityContext`; a claim given in two places with different values is refused rather than
 * one silently winning (a nested `role: admin` must not override a top-level `analyst`).
 */
function flat(claims: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  const add = (source: string, record: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(record)) {
      if (source === 'top level' && (NESTED as readonly string[]).includes(k)) continue;
      if (k in merged && JSON.stringify(merged[k]) !== JSON.stringify(v))
        throw malformed(`claim "${k}" differs between ${from[k]} and ${source}`, k);
      merged[k] = v;
      from[k] = source;
    }
  };
  add('top level', claims);
  for (const key of NESTED) {
    const nested = claims[key];
    if (nested === undefined) continue;
    if (typeof nested !== 'object' || nested === null || Array.isArray(nested))
      throw malformed(`claim "${key}" must be an object of claims`, key);
    add(key, nested as Record<string, unknown>);
  }
  return merged;
}

/**
 * An attribute's value: a non-empty string or a finite number. Anything else is refused, not
 * dropped: access rules read attributes, and a missing one lifts the rules that need it (a
 * region given as a list or as "" would otherwise see every region).
 */
function attributeValue(claim: string, v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v;
  throw malformed(`claim "${claim}" must be a non-empty string or a number`, claim);
}

/** The user attributes the model's access rules read (`{ securityContext.x }`), by name. */
export function attributesReadBy(model: Model): ReadonlySet<string> {
  const names = new Set<string>();
  for (const cube of model.cubes.values()) {
    for (const p of cube.accessPolicies ?? []) {
      for (const c of p.conditions) names.add(c.attribute);
      for (const f of p.rowFilters)
        for (const v of f.values) if (v.kind === 'context') names.add(v.attribute);
    }
  }
  return names;
}

/**
 * Refuses a claim whose name differs only by case from another claim, from a registered claim
 * (`Role`) or from an attribute the access rules read (`Region` for `region`): attribute names
 * are case-sensitive, so such a claim would be kept under a name no rule reads while the rule
 * that needs `region` is lifted.
 */
function assertDistinctNames(claims: Record<string, unknown>, read: ReadonlySet<string>): void {
  const known = new Map<string, string>();
  for (const name of [...RESERVED, ...read]) known.set(name.toLowerCase(), name);
  const seen = new Map<string, string>();
  for (const k of Object.keys(claims)) {
    const lower = k.toLowerCase();
    const expected = known.get(lower);
    if (expected !== undefined && expected !== k)
      throw malformed(`claim "${k}" differs only by case from "${expected}"; send it as "${expected}"`, k);
    const other = seen.get(lower);
    if (other !== undefined) throw malformed(`claims "${other}" and "${k}" differ only by case`, k);
    seen.set(lower, k);
  }
}

/**
 * The user an HS256 token signed with `secret` describes: `role` (required) and every other
 * claim as an attribute. Undefined for a bad signature, a missing `exp`, an expired token or a
 * missing or unknown role; UNAUTHENTICATED naming the claim for a signed token whose claims are
 * malformed or conflict.
 */
export async function userOfJwt(
  token: string,
  secret: string,
  /** The attributes the access rules read: a claim naming one in another case is refused. */
  attributesRead: ReadonlySet<string> = new Set(),
): Promise<SecurityContext | undefined> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      // A token without an expiry would work forever once leaked.
      requiredClaims: ['exp'],
    }));
  } catch (e) {
    if (e instanceof errors.JOSEError) return undefined;
    throw e;
  }
  const claims = flat(payload);
  assertDistinctNames(claims, attributesRead);
  const role = claims['role'];
  if (typeof role !== 'string' || !isRole(role)) return undefined;
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (!RESERVED.has(k)) attributes[k] = attributeValue(k, v);
  }
  const name =
    typeof claims['name'] === 'string'
      ? claims['name']
      : typeof claims['sub'] === 'string'
        ? claims['sub']
        : 'jwt';
  return { name, role, attributes };
}
