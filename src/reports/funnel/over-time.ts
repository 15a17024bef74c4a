import { cast, fn, param, type SqlNode, sql, timeBucket } from '../../sql';
import { plusWindow } from './modes';
import type { FunnelParams } from './params';
import { countIf, int } from './steps';

export interface OverTimeContext {
  readonly period: NonNullable<FunnelParams['conversion_over_time']>;
  /** The number of steps: those at the last converted. */
  readonly steps: number;
  /** ` WHERE …` leaving out the excluded actors' paths, or nothing. */
  readonly kept: SqlNode;
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
 * Conversion over time from `path` (each actor's counted path, its step 1 at `start_us`): per
 * period of step 1 (local, in the report's zone), those who entered and those who converted, with
 * what makes a period unlike the others.
 *
 * - `partial`: the period is cut by the range: it starts before the range's first day or ends
 *   after as_of, so fewer actors could enter it than in a whole one.
 * - `window_closed`: every actor who entered in the period had the whole conversion window before
 *   as_of (the period's end plus W is not after as_of). Where it is false, some entrants could
 *   still convert after the data ends, so the rate is a floor, not comparable with closed periods.
 *   Compared in UTC: W is elapsed time, and a DST change between the two midnights counts.
 */
export function overTimeQuery(c: OverTimeContext): SqlNode {
  const day = (d: string) => param(d, 'DATE');
  const start = fn.fromEpochSeconds(sql`start_us / 1000000`);
  const grouped = sql`SELECT ${timeBucket(c.period, start, c.timezone)} AS period,
                             count(*) AS entered, ${countIf(sql`level = ${int(c.steps)}`)} AS converted
                      FROM path${c.kept} GROUP BY period`;
  const end = fn.dateAdd(c.period, param(1, 'INTEGER'), sql`g.period`);
  const endUtc: SqlNode =
    c.timezone === undefined ? end : { kind: 'local_to_utc', expr: end, timezone: c.timezone };
  const cutBefore = c.from === undefined ? sql`` : sql` OR ${cast(sql`g.period`, 'date')} < ${day(c.from)}`;
  return sql`SELECT g.period AS period, g.entered AS entered, g.converted AS converted,
                    ${fn.asBoolean(sql`${cast(end, 'date')} > ${day(c.asOf)}${cutBefore}`)} AS partial,
                    ${fn.asBoolean(sql`${plusWindow(endUtc, c.windowSeconds)} <= ${c.cut}`)} AS window_closed
             FROM (${grouped}) g ORDER BY g.period`;
}
