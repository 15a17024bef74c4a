import { AppError } from '../../errors';
import type { FilterValue, LogicalFilter } from '../../model/logical-query';
import type { Dimension, Measure } from '../../model/types';
import type { SqlNode } from '../ast';
import { and, list, or, param, paren, sql, textMatch } from '../factories';
import type { MemberCompiler } from './members';

type Condition = Extract<LogicalFilter, { kind: 'condition' }>;

/**
 * Compiles filters to conditions. `target` gives the SQL a filtered member stands for: the
 * dimension's expression in a WHERE, the aggregate or the output column in a HAVING.
 */
export function compileFilter(
  f: LogicalFilter,
  members: MemberCompiler,
  target: (member: Dimension | Measure) => SqlNode,
  timezone: string | undefined,
): SqlNode {
  switch (f.kind) {
    case 'and':
      return paren(and(f.children.map((c) => compileFilter(c, members, target, timezone)))!);
    case 'or':
      return paren(or(f.children.map((c) => compileFilter(c, members, target, timezone)))!);
    case 'segment':
      return paren(members.expr(f.segment.sql, f.segment.cube));
    case 'measure_filter':
      return paren(members.measureFilter(f.measure)!);
    case 'condition': {
      // A compound dimension (`a AND b`, `x IS NULL`) must not bind to the operator's operand.
      const t = target(f.member);
      const x = t.kind === 'ident' ? t : paren(t);
      return f.member.kind === 'dimension' && f.member.segmentMembership
        ? membership(f, x)
        : condition(f, x, timezone);
    }
  }
}

function value(c: Condition, v: FilterValue, timezone: string | undefined): SqlNode {
  const isTime = c.member.kind === 'dimension' && c.member.type === 'time';
  if (!isTime) return param(v);
  const p = param(String(v), 'timestamp');
  // Bounds are wall-clock times in the query's zone; the warehouse holds UTC (calendar dates excepted).
  const calendar = c.member.kind === 'dimension' && c.member.calendarDate;
  return timezone === undefined || calendar ? p : { kind: 'local_to_utc', expr: p, timezone };
}

function condition(c: Condition, x: SqlNode, timezone: string | undefined): SqlNode {
  const vals = c.values.map((v) => value(c, v, timezone));
  const inList = () => (vals.length === 1 ? sql`${x} = ${vals[0]!}` : sql`${x} IN (${list(vals)})`);
  const matches = (mode: 'contains' | 'starts_with' | 'ends_with') =>
    or(vals.map((v) => textMatch(mode, x, v)))!;
  switch (c.operator) {
    case 'equals':
      return inList();
    case 'notEquals':
      return sql`(NOT (${inList()}) OR ${x} IS NULL)`;
    case 'contains':
      return paren(matches('contains'));
    case 'startsWith':
      return paren(matches('starts_with'));
    case 'endsWith':
      return paren(matches('ends_with'));
    case 'notContains':
      return sql`(NOT (${matches('contains')}) OR ${x} IS NULL)`;
    case 'notStartsWith':
      return sql`(NOT (${matches('starts_with')}) OR ${x} IS NULL)`;
    case 'notEndsWith':
      return sql`(NOT (${matches('ends_with')}) OR ${x} IS NULL)`;
    case 'gt':
      return sql`${x} > ${vals[0]!}`;
    case 'gte':
      return sql`${x} >= ${vals[0]!}`;
    case 'lt':
      return sql`${x} < ${vals[0]!}`;
    case 'lte':
      return sql`${x} <= ${vals[0]!}`;
    case 'set':
      return sql`${x} IS NOT NULL`;
    case 'notSet':
      return sql`${x} IS NULL`;
    case 'inDateRange':
      return sql`${x} >= ${vals[0]!} AND ${x} < ${vals[1]!}`;
    case 'notInDateRange':
      return sql`(${x} < ${vals[0]!} OR ${x} >= ${vals[1]!})`;
    case 'beforeDate':
      return sql`${x} < ${vals[0]!}`;
    case 'beforeOrOnDate':
      return sql`${x} <= ${vals[0]!}`;
    case 'afterDate':
      return sql`${x} > ${vals[0]!}`;
    case 'afterOrOnDate':
      return sql`${x} >= ${vals[0]!}`;
  }
}

/**
 * Membership of saved segments (tables of sql/schema/005_saved_segments.sql): `equals` any of
 * the named segments (by id or name), `notEquals` none of them, `set` any segment at all.
 */
function membership(c: Condition, x: SqlNode): SqlNode {
  const named = (vals: readonly FilterValue[]) =>
    sql`SELECT m.customer_id FROM saved_segment_members m JOIN saved_segments s USING (segment_id)
        WHERE s.segment_id IN (${list(vals.map((v) => param(String(v))))}) OR s.name IN (${list(vals.map((v) => param(String(v))))})`;
  switch (c.operator) {
    case 'equals':
      return sql`${x} IN (${named(c.values)})`;
    case 'notEquals':
      return sql`(${x} IS NULL OR ${x} NOT IN (${named(c.values)}))`;
    case 'set':
      return sql`${x} IN (SELECT customer_id FROM saved_segment_members)`;
    case 'notSet':
      return sql`(${x} IS NULL OR ${x} NOT IN (SELECT customer_id FROM saved_segment_members))`;
    default:
      throw new AppError(
        'INVALID_QUERY',
        `${c.member.fullName} takes equals, notEquals, set or notSet (segment membership)`,
      );
  }
}
