import { AsyncLocalStorage } from 'node:async_hooks';
import { restrictModel } from '../../model/access/restrict';
import type { SecurityContext } from '../../model/access/types';
import type { Model } from '../../model/types';

/** The user a request runs as and the model restricted to them. */
export interface RequestScope {
  readonly user: SecurityContext;
  readonly model: Model;
  /** Local mode: no key configured, every request is the loopback admin. */
  readonly local: boolean;
  /** Rows the request's CSV or Arrow streams read, for the audit log; undefined if none ran. */
  streamedRows?: number;
}

export const LOCAL_ADMIN: SecurityContext = { name: 'local', role: 'admin', attributes: {} };

/**
 * Route handlers run inside `scopes.run(scope, …)` (see auth/hook.ts), so services built once at
 * start (the query service, Customer 360) read the requesting user's model without route files
 * passing it along.
 */
export const scopes = new AsyncLocalStorage<RequestScope>();

/** Restricted models, one per distinct user description, so a request does not rebuild one. */
export class ScopedModels {
  private readonly cache = new Map<string, Model>();
  constructor(private readonly base: Model) {}

  of(user: SecurityContext): Model {
    const key = JSON.stringify([user.role, Object.entries(user.attributes).sort()]);
    let m = this.cache.get(key);
    if (!m) {
      m = restrictModel(this.base, user);
      if (this.cache.size >= 1000) this.cache.clear();
      this.cache.set(key, m);
    }
    return m;
  }
}

/**
 * Counts rows streamed for the request being served. Takes the scope when the stream is made
 * (in the handler), since a stream is read later, outside it.
 */
export function streamedRowsCounter(): ((count: number) => void) | undefined {
  const scope = scopes.getStore();
  if (!scope) return undefined;
  return (count) => {
    scope.streamedRows = (scope.streamedRows ?? 0) + count;
  };
}

/** The model of the request being served; the full model outside a request (CLI, start-up). */
export function currentModel(base: Model): Model {
  return scopes.getStore()?.model ?? base;
}
