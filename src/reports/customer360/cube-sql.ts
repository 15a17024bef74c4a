import { cubeSubquery, parseQuery } from '../../cube';
import { findMember } from '../../model/lookup';
import type { Dimension, Measure } from '../../model/types';
import { cubeNames, cubesOf } from '../../query/planner';
import type { QueryFilter } from '../../query/schema';
import { raw, type SqlNode } from '../../sql';
import { MemberCompiler } from '../../sql/compile/members';
import type { ReportContext } from '../common/context';
import { population, populationRows } from '../common/population';

/** A result column: its alias and the model member (`cube.member`) it reads. */
export type MemberColumn = readonly [alias: string, member: string];

/** The filter that keeps one customer's rows of a fact, by the fact's own durable customer id. */
export function customerFilter(cube: string, customerId: string): QueryFilter {
  return { member: `${cube}.customer_id`, operator: 'equals', values: [customerId] };
}

/**
 * The measures of a cube query as one row (no dimensions), through the query compiler: the
 * numbers are the cube's numbers by construction. Columns are named after the measures.
 */
export function cubeTotals(
  ctx: ReportContext,
  measures: readonly string[],
  filters: readonly QueryFilter[],
): SqlNode {
  return cubeGroups(ctx, measures, [], filters);
}

/** As `cubeTotals`, one row per value of the dimensions, every row (no order, no limit). */
export function cubeGroups(
  ctx: ReportContext,
  measures: readonly string[],
  dimensions: readonly string[],
  filters: readonly QueryFilter[],
): SqlNode {
  return cubeSubquery(ctx, parseQuery({ measures, dimensions, filters }), { rows: 'all' });
}

function memberOf(ctx: ReportContext, name: string): Dimension | Measure {
  const found = findMember(ctx.model, name);
  if (found.kind === 'segment') throw new Error(`${name} is a segment, not a column`);
  return found.member;
}

/**
 * A fact's rows with model members as columns: a dimension as its SQL, a measure as its value
 * on the row (NULL where the measure's filters reject the row, e.g. `orders.revenue` of a
 * cancelled line). Joins come from the model, filters and segments are the cube filter
 * language's, so every column means what it means in a cube query.
 */
export function memberRows(
  ctx: ReportContext,
  root: string,
  columns: readonly MemberColumn[],
  filters: readonly QueryFilter[],
  segments: readonly string[] = [],
): SqlNode {
  const compiler = new MemberCompiler(ctx.model);
  // A member the user may not see (access_policy member_level) reads as NULL, so pages still work.
  const hidden = (name: string) => ctx.model.access?.hidden.has(name) === true;
  const resolved = columns
    .filter(([, name]) => !hidden(name))
    .map(([alias, name]) => ({ alias, member: memberOf(ctx, name) }));
  const needed = new Set<string>();
  for (const { member } of resolved) {
    const exprs =
      member.kind === 'dimension' ? [member.sql] : [...(member.sql ? [member.sql] : []), ...member.filters];
    cubesOf(ctx.model, member.cube, exprs, needed);
  }
  const p = population(ctx, root, { filters, segments }, [...cubeNames(needed)]);
  return populationRows(ctx, p, [
    ...resolved.map(({ alias, member }) => ({
      alias,
      expr: member.kind === 'dimension' ? compiler.dimension(member) : compiler.measure(member, 'row'),
    })),
    ...columns.filter(([, name]) => hidden(name)).map(([alias]) => ({ alias, expr: raw('NULL') })),
  ]);
}
