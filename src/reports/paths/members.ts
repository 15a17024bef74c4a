import type { JsonValue } from '../../engine';
import { AppError } from '../../errors';
import { cast, list, raw, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { planPaths, stepColumns } from './plan';

/** A path of the paths report: its steps, and its breakdown value when the report has one. */
export interface PathSlice {
  readonly path: readonly string[];
  readonly breakdown_value?: JsonValue | undefined;
}

/**
 * The customers of one path, for a target group: the anchors' customers of the sessions that
 * took exactly this path under the report's parameters (and in its breakdown value). The path
 * must be one the report can give (it starts at start_event, ends at end_event, at most `steps`
 * long). Anonymous actors and sessions are not customers: refused; with actor `person` only the
 * sessions whose anchor has a customer id are saved.
 */
export async function pathsMembers(ctx: ReportContext, params: unknown, slice: PathSlice): Promise<SqlNode> {
  const plan = await planPaths(ctx, params);
  const p = plan.params;
  if (p.actor === 'anonymous' || p.actor === 'session') {
    throw new AppError(
      'VALIDATION_FAILED',
      `params.actor: ${p.actor} actors are not customers; save paths with actor person or customer`,
    );
  }
  const { path } = slice;
  if (path.length > p.steps) {
    throw new AppError(
      'VALIDATION_FAILED',
      `path: ${path.length} steps, but the report's paths have at most ${p.steps} (params.steps)`,
    );
  }
  if (p.start_event !== undefined && path[0] !== p.start_event) {
    throw new AppError(
      'VALIDATION_FAILED',
      `path: paths from ${p.start_event} start with it, not ${path[0]}`,
    );
  }
  if (p.end_event !== undefined && path.at(-1) !== p.end_event) {
    throw new AppError('VALIDATION_FAILED', `path: paths to ${p.end_event} end with it, not ${path.at(-1)}`);
  }
  if (plan.breakdown !== undefined && slice.breakdown_value === undefined) {
    throw new AppError(
      'VALIDATION_FAILED',
      `breakdown_value: the report breaks down by ${plan.breakdown}; name the path's value (null for none)`,
    );
  }
  if (plan.breakdown === undefined && slice.breakdown_value !== undefined) {
    throw new AppError(
      'VALIDATION_FAILED',
      'breakdown_value: the report has no breakdown (params.breakdown)',
    );
  }
  if (!plan.sessions) return sql`SELECT ${cast(raw('NULL'), 'text')} AS customer_id WHERE false`;
  const v = slice.breakdown_value;
  // Breakdown values of any type are compared as text: the report's JSON gives them as text,
  // numbers or booleans, whose text is DuckDB's.
  const inValue =
    plan.breakdown === undefined
      ? sql``
      : v === null || v === undefined
        ? sql` AND bd IS NULL`
        : sql` AND ${cast(raw('bd'), 'text')} = ${typeof v === 'string' ? v : JSON.stringify(v)}`;
  // Exactly this path: its steps, and no step after its last.
  const steps = stepColumns(p.steps);
  const onPath = list(
    steps.map((c, i) => (i < path.length ? sql`${raw(c)} = ${path[i]!}` : sql`${raw(c)} IS NULL`)),
    ' AND ',
  );
  return sql`SELECT DISTINCT cust AS customer_id FROM (${plan.sessions}) s
    WHERE cust IS NOT NULL AND ${onPath}${inValue}`;
}
