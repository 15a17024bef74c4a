import type { FastifyRequest } from 'fastify';
import type { Engine } from '../../engine';
import type { SecurityContext } from '../../model/access/types';
import { userOfJwt } from './jwt';
import type { VerifiedKeys } from './key-cache';
import { userOfKey } from './users';

/** The token of `Authorization: Bearer …` (Cube's clients send the bare token). */
export function tokenOf(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h !== 'string' || h.trim() === '') return undefined;
  const t = h.trim();
  return /^bearer\s+/i.test(t) ? t.replace(/^bearer\s+/i, '') : t;
}

/**
 * The user a request's credentials name: an API key anywhere, an HS256 JWT on the
 * Cube-compatible routes when a secret is configured. Undefined when absent or invalid.
 */
export async function userOf(
  request: FastifyRequest,
  engine: Engine,
  jwtSecret: string | undefined,
  verified: VerifiedKeys,
  /** The attributes the model's access rules read (a JWT claim naming one in another case is refused). */
  attributesRead?: ReadonlySet<string>,
): Promise<SecurityContext | undefined> {
  const token = tokenOf(request);
  if (!token) return undefined;
  if (token.startsWith('rk_')) {
    const cached = verified.get(token);
    if (cached) return cached;
    const user = await userOfKey(engine, token);
    if (user) verified.set(token, user);
    return user;
  }
  if (jwtSecret && request.url.startsWith('/cubejs-api/')) return userOfJwt(token, jwtSecret, attributesRead);
  return undefined;
}
