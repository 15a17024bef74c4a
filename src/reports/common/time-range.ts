import { allOf, type LogicalFilter } from '../../model/logical-query';

/**
 * The part of a population filter that is the insight's date range, taken out of the row
 * conditions. A dashboard (or a client) says "last 6 months" as a filter on web_events.occurred_at;
 * as a row condition it would hide what the range cuts (trends and stickiness could not mark a
 * first period that starts before the range as partial, and lifecycle and retention would lose
 * the history they look back on). As `from` and as_of it means what PostHog's date range means.
 */
export interface TimeRange {
  /** The row conditions left. */
  readonly where: LogicalFilter | undefined;
  /** The first day of the range (YYYY-MM-DD), when the filter gives one. */
  readonly from?: string;
  /** The day after the range (YYYY-MM-DD): an as_of. */
  readonly until?: string;
}

/** 'YYYY-MM-DD' of a wall-clock bound at a midnight ('YYYY-MM-DDT00:00:00.000'), else undefined. */
function midnight(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:T00:00(?::00(?:\.0+)?)?)?$/.exec(v);
  return m?.[1];
}

/** The later / earlier of two optional days (YYYY-MM-DD compares as text). */
export const later = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a > b ? a : b;
export const earlier = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a < b ? a : b;

/**
 * Takes the conditions on `timeDimension` (a full name) that say exactly what a from and an as_of
 * say out of the top-level AND of `where`: inDateRange, afterOrOnDate and beforeDate with bounds
 * at midnight. Anything else on that dimension (under an OR, a bound inside a day, afterDate's
 * strict ">") stays a row condition.
 */
export function splitTimeRange(where: LogicalFilter | undefined, timeDimension: string): TimeRange {
  const parts = where === undefined ? [] : where.kind === 'and' ? where.children : [where];
  const kept: LogicalFilter[] = [];
  let from: string | undefined;
  let until: string | undefined;
  for (const c of parts) {
    if (c.kind !== 'condition' || c.member.fullName !== timeDimension) {
      kept.push(c);
      continue;
    }
    const [a, b] = c.values.map(midnight);
    if (c.operator === 'inDateRange' && a !== undefined && b !== undefined) {
      from = later(from, a);
      until = earlier(until, b);
    } else if (c.operator === 'afterOrOnDate' && a !== undefined) from = later(from, a);
    else if (c.operator === 'beforeDate' && a !== undefined) until = earlier(until, a);
    else kept.push(c);
  }
  if (from === undefined && until === undefined) return { where };
  return {
    where: allOf(kept),
    ...(from === undefined ? {} : { from }),
    ...(until === undefined ? {} : { until }),
  };
}
