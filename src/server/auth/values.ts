import type { Dashboard } from '../../dashboards/schema';
import { AppError } from '../../errors';
import { allows, permissionOf } from './permissions';
import { scopes } from './scope';

/**
 * Whether the requesting user may list a dimension's values: a user who may run queries may list
 * any; the others (executives) only those of dashboard filters, which their pages offer, so that
 * no route enumerates customer names or interaction subjects for them. The one rule for
 * `GET /v1/meta/values` and for report parameters whose values become output (a forecast's or
 * funnel's breakdown, per-customer rows). `dashboards` is read only when the rule applies.
 */
export function assertMayListValues(
  member: string,
  dashboards: readonly Dashboard[] | (() => readonly Dashboard[]),
): void {
  const role = scopes.getStore()?.user.role;
  if (role === undefined || allows(permissionOf('POST', '/v1/query'), role)) return;
  const all = typeof dashboards === 'function' ? dashboards() : dashboards;
  const filtered = all.some((d) => d.filters.some((f) => f.type === 'dimension' && f.dimension === member));
  if (!filtered)
    throw new AppError(
      'FORBIDDEN',
      `role ${role} may list the values of dashboard filters only, not ${member}`,
      {
        role,
        member,
      },
    );
}
