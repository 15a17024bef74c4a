import { AppError } from '../../errors';
import type { LogicalFilter } from '../../model/logical-query';
import type { Dimension, Measure, Model } from '../../model/types';
import { resolveFilters } from '../../query/filters';
import type { QueryFilter } from '../../query/schema';
import { and, type SqlNode } from '../../sql';
import { compileFilter } from '../../sql/compile/conditions';
import { MemberCompiler } from '../../sql/compile/members';

function checkOwnDimensions(f: LogicalFilter, source: string, where: string): void {
  switch (f.kind) {
    case 'and':
    case 'or':
      for (const c of f.children) checkOwnDimensions(c, source, where);
      return;
    case 'condition':
      if (f.member.kind === 'dimension' && f.member.cube === source) return;
      throw new AppError(
        'VALIDATION_FAILED',
        `${where}: ${f.member.fullName} is not a dimension of ${source}; an event's filters use the source cube's own dimensions (the population filter can use joined cubes)`,
      );
    default:
      throw new AppError(
        'VALIDATION_FAILED',
        `${where}: an event's filters are conditions on dimensions of ${source}`,
      );
  }
}

/**
 * The filters of one event (a funnel step, a trends series) as one condition over the source
 * cube's own dimensions (properties included), undefined without filters. `where` names the
 * parameter in errors (`steps.1.filters`).
 */
export function compileEventFilters(
  model: Model,
  source: string,
  filters: readonly QueryFilter[],
  where: string,
  timezone: string | undefined,
  now: Date,
): SqlNode | undefined {
  if (filters.length === 0) return undefined;
  const members = new MemberCompiler(model);
  const target = (m: Dimension | Measure) =>
    m.kind === 'dimension' ? members.dimension(m) : members.measure(m);
  const { rows, aggregates } = resolveFilters([...filters], { model, timezone: timezone ?? 'UTC', now });
  if (aggregates.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${where}: an event's filters are conditions on dimensions, not measures`,
    );
  }
  for (const f of rows) checkOwnDimensions(f, source, where);
  return and(rows.map((f) => compileFilter(f, members, target, timezone)));
}
