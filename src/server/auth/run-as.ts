import type { Engine } from '../../engine';
import { restrictModel } from '../../model/access/restrict';
import { isRole, type SecurityContext } from '../../model/access/types';
import type { Model } from '../../model/types';
import type { RunScope } from '../../questions/run';
import { sql } from '../../sql';
import { LOCAL_ADMIN, scopes } from './scope';

/**
 * Work done for a user outside their request (an alert checked on a schedule, a delivery): the
 * same request scope a request of theirs would have, so the query service compiles every query
 * through their restricted model.
 */
export function runAs(user: SecurityContext, model: Model): RunScope {
  const scope = { user, model: restrictModel(model, user), local: false };
  return (work) => scopes.run(scope, work);
}

/**
 * A user by the name recorded on what they made: the active API key's user of that name, or
 * the local admin for "local" (what local mode records). Undefined for a user with no active
 * key (revoked, or known only from a JWT), whose saved work then runs for nobody.
 */
export async function userNamed(engine: Engine, name: string | null): Promise<SecurityContext | undefined> {
  if (name === null) return LOCAL_ADMIN;
  const r = await engine.query(
    sql`SELECT role, attributes FROM rapport_users WHERE name = ${name} AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1`,
  );
  const row = r.rows[0];
  const role = String(row?.['role'] ?? '');
  if (!row) return name === LOCAL_ADMIN.name ? LOCAL_ADMIN : undefined;
  if (!isRole(role)) return undefined;
  return { name, role, attributes: JSON.parse(String(row['attributes'])) as Record<string, string> };
}

/** The model without any request's restriction (the context's `model` is the requester's). */
export function unscopedModel(ctx: { readonly model: Model }): Model {
  return scopes.exit(() => ctx.model);
}
