import { cast, fn, param, type SqlNode, sql } from '../../sql';
import { plusWindow } from './modes';

export interface OverTimeContext {
  readonly period: 'day' | 'week' | 'month';
  /** The first day of the population's date range on the source's time, when it has one. */
  readonly from: string | undefined;
  /** The day after the counted rows (YYYY-MM-DD), midnight in the report's zone. */
  readonly asOf: string;
  /** as_of as a UTC timestamp (the rows' cut). */
  readonly cut: SqlNode;
  readonly windowSeconds: number;
  readonly timezone: string | undefined;
}

/**
 * Conversion over time, with what makes a period unlike the others. `grouped` yields (period,
 * entered, converted), period being the local start of the period of the counted path's step 1.
 *
 * - `partial`: the period is cut by the range: it starts before the range's first day or ends
 *   after as_of, so fewer actors could enter it than in a whole one.
 * - `window_closed`: every actor who entered in the period had the whole conversion window before
 *   as_of (the period's end plus W is not after as_of). Where it is false, some entrants could
 *   still convert after the data ends, so the rate is a floor, not comparable with closed periods.
 *   Compared in UTC: W is elapsed time, and a DST change between the two midnights counts.
 */
export function overTimeRows(grouped: SqlNode, c: OverTimeContext): SqlNode {
  const day = (d: string) => param(d, 'DATE');
  const end = fn.dateAdd(c.period, param(1, 'INTEGER'), sql`g.period`);
  const endUtc: SqlNode =
    c.timezone === undefined ? end : { kind: 'local_to_utc', expr: end, timezone: c.timezone };
  const cutBefore = c.from === undefined ? sql`` : sql` OR ${cast(sql`g.period`, 'date')} < ${day(c.from)}`;
  return sql`SELECT g.period AS period, g.entered AS entered, g.converted AS converted,
                    ${fn.asBoolean(sql`${cast(end, 'date')} > ${day(c.asOf)}${cutBefore}`)} AS partial,
                    ${fn.asBoolean(sql`${plusWindow(endUtc, c.windowSeconds)} <= ${c.cut}`)} AS window_closed
             FROM (${grouped}) g ORDER BY g.period`;
}
