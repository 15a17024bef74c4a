import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors';
import { tokenOf } from '../auth/credentials';

/** Whether a credential has already been verified (and is still remembered as valid). */
export type KnownCredential = (token: string) => boolean;

/**
 * The client a request counts against: a credential already verified (hashed, so no key is
 * kept in memory as sent), else the IP address. Unverified credentials count against the IP:
 * keyed by themselves, each made-up token would bring a fresh budget (and a guessed key id a
 * fresh scrypt).
 */
export function rateLimitKey(request: FastifyRequest, known: KnownCredential = () => false): string {
  const token = tokenOf(request);
  if (token && known(token)) return `key:${createHash('sha256').update(token).digest('base64url')}`;
  return `ip:${request.ip}`;
}

/**
 * Per-client rate limiting: `perMinute` requests in any minute, then 429 RATE_LIMITED with
 * Retry-After; a client is a verified credential or an IP address (see rateLimitKey). `/health` is exempt, so monitors never lock a client out. It runs as an
 * app-wide onRequest hook, so installed before authentication it also counts requests with
 * bad credentials and requests for unknown routes (guessing keys or scanning costs budget).
 */
export async function installRateLimit(
  app: FastifyInstance,
  perMinute: number,
  known: KnownCredential = () => false,
): Promise<void> {
  if (perMinute <= 0) return;
  await app.register(rateLimit, {
    global: false,
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => rateLimitKey(request, known),
    allowList: (request) => request.url === '/health',
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'RATE_LIMITED',
        `more than ${context.max} requests in a minute from this client; retry in ${context.after}`,
        { limitPerMinute: context.max, retryAfterSeconds: Math.ceil(context.ttl / 1000) },
      ),
  });
  app.addHook('onRequest', app.rateLimit());
}
