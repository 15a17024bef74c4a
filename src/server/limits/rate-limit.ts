import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors';

/**
 * The client a request counts against: its bearer credential when it sends one (hashed, so no
 * key or token is kept in memory as sent), else its IP address.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  const bearer = typeof auth === 'string' ? /^Bearer\s+(\S+)/i.exec(auth)?.[1] : undefined;
  if (bearer) return `key:${createHash('sha256').update(bearer).digest('base64url')}`;
  return `ip:${request.ip}`;
}

/**
 * Per-client rate limiting: `perMinute` requests in any minute, then 429 RATE_LIMITED with
 * Retry-After. `/health` is exempt, so monitors never lock a client out. It runs as an
 * app-wide onRequest hook, so installed before authentication it also counts requests with
 * bad credentials and requests for unknown routes (guessing keys or scanning costs budget).
 */
export async function installRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute <= 0) return;
  await app.register(rateLimit, {
    global: false,
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
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
