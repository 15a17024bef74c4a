import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../../engine';
import { AppError } from '../../errors';
import type { SecurityContext } from '../../model/access/types';
import type { Model } from '../../model/types';
import { AuditLog } from './audit';
import { tokenOf, userOf } from './credentials';
import { FailedAttempts } from './failed-attempts';
import { attributesReadBy } from './jwt';
import { VerifiedKeys } from './key-cache';
import { assertLoopbackHost } from './local-mode';
import { allows, permissionOf } from './permissions';
import { LOCAL_ADMIN, type RequestScope, ScopedModels, scopes } from './scope';

declare module 'fastify' {
  interface FastifyRequest {
    rapportScope?: RequestScope;
    /** The authenticated user, set even when the route then refuses them (for the audit log). */
    rapportUser?: SecurityContext;
    /** The JSON answer, kept for the audit log to count its rows after the response. */
    auditBody?: string;
  }
  interface FastifyInstance {
    /** True when no key is configured: loopback only, every request the local admin. */
    localMode: boolean;
  }
}

export interface AuthOptions {
  readonly engine: Engine;
  readonly model: Model;
  /** No key configured: every request is the local admin (the server binds to loopback only). */
  readonly local: boolean;
  readonly jwtSecret?: string;
  /** Write the audit log (off in local mode unless asked). */
  readonly audit: boolean;
  /** Keys verified recently; shared with the rate limit, which counts them as their own clients. */
  readonly verified?: VerifiedKeys;
  /** Failed sign-ins per address (tests pass a small limit). */
  readonly failedAttempts?: FailedAttempts;
}

function audited(url: string): boolean {
  return url.startsWith('/v1/') || url.startsWith('/cubejs-api/');
}

function queryOf(request: FastifyRequest): unknown {
  const q = (request.query as Record<string, unknown> | undefined)?.['query'];
  if (typeof q === 'string') return q;
  return request.body ?? null;
}

/**
 * Authenticates every request, checks its route against the permission table, and runs the
 * handler as that user (scopes.run), so every query it compiles goes through the user's
 * restricted model. Must be installed before routes are registered (it wraps their handlers).
 */
export function installAuth(
  app: FastifyInstance,
  options: AuthOptions,
): { close(): Promise<void>; forgetKeys(): void } {
  const models = new ScopedModels(options.model);
  const verified = options.verified ?? new VerifiedKeys();
  const failures = options.failedAttempts ?? new FailedAttempts();
  const attributesRead = attributesReadBy(options.model);
  app.decorate('localMode', options.local);
  const audit = options.audit
    ? new AuditLog(options.engine, (message, err) => app.log.warn({ err }, message))
    : undefined;

  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function scoped(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const scope = request.rapportScope;
      return scope
        ? scopes.run(scope, () => handler.call(this, request, reply))
        : handler.call(this, request, reply);
    };
  });

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return;
    if (options.local) {
      assertLoopbackHost(request.headers.host);
      request.rapportScope = { user: LOCAL_ADMIN, model: options.model, local: true };
      return;
    }
    const permission = permissionOf(request.method, url);
    const token = tokenOf(request);
    if (token && verified.get(token) === undefined && failures.exhausted(request.ip)) {
      throw new AppError(
        'RATE_LIMITED',
        `more than ${failures.perMinute} failed sign-ins in a minute from this address; retry in ${failures.retryAfterSeconds()} s`,
        { failedPerMinute: failures.perMinute, retryAfterSeconds: failures.retryAfterSeconds() },
      );
    }
    const user = await userOf(request, options.engine, options.jwtSecret, verified, attributesRead);
    if (!user && token) failures.record(request.ip);
    if (!user) {
      if (permission === 'public') return;
      const sent = request.headers.authorization !== undefined;
      throw new AppError(
        'UNAUTHENTICATED',
        sent
          ? 'the API key or token is not valid (unknown, revoked, expired or malformed)'
          : 'this route needs an API key: send Authorization: Bearer <key>',
      );
    }
    request.rapportUser = user;
    if (!allows(permission, user.role)) {
      throw new AppError('FORBIDDEN', `role ${user.role} may not call ${request.method} ${url}`, {
        role: user.role,
        route: `${request.method} ${url}`,
      });
    }
    request.rapportScope = { user, model: models.of(user), local: false };
  });

  if (!options.local) {
    // An answer depends on who asked: no shared cache may serve it to someone else.
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.rapportScope)
        reply.header('cache-control', 'private, no-store').header('vary', 'authorization');
      return payload;
    });
  }
  if (audit) {
    app.addHook('onSend', async (request, _reply, payload) => {
      if (typeof payload === 'string') request.auditBody = payload;
      return payload;
    });
    app.addHook('onResponse', async (request, reply) => {
      const url = request.routeOptions.url;
      if (url === undefined || !audited(url)) return;
      const user = request.rapportScope?.user ?? request.rapportUser;
      audit.record({
        at: new Date(),
        user: user?.name ?? 'anonymous',
        role: user?.role ?? '',
        method: request.method,
        route: url,
        url: request.url,
        query: queryOf(request),
        body: request.auditBody,
        streamedRows: request.rapportScope?.streamedRows,
        durationMs: reply.elapsedTime,
        status: reply.statusCode,
      });
    });
  }
  return { close: async () => audit?.close(), forgetKeys: () => verified.clear() };
}
