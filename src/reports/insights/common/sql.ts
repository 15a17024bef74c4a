import { param, type SqlNode, sql } from '../../../sql';
import type { Period } from './params';
import { periodIndex, periodStart } from './periods';

export { type Cte, withCtes } from '../../common/ctes';

/** An integer constant, bound as a typed parameter. */
export const int = (n: number): SqlNode => param(n, 'INTEGER');

/** A date constant ('YYYY-MM-DD'), bound. */
export const date = (d: string): SqlNode => param(d, 'DATE');

/** The period index of `from` (a date), or NULL. */
export function fromIndex(period: Period, from: string | undefined): SqlNode {
  return from === undefined ? sql`CAST(NULL AS BIGINT)` : periodIndex(period, date(from));
}

/** The period index of the last day before as_of. */
export function lastIndex(period: Period, asOf: string): SqlNode {
  return periodIndex(period, sql`(${date(asOf)} - INTERVAL 1 DAY)`);
}

/** ` WHERE ts >= from`: the rows of a range that starts at `from`; nothing without one. */
export function fromRows(from: string | undefined): SqlNode {
  return from === undefined ? sql`` : sql` WHERE ts >= CAST(${date(from)} AS TIMESTAMP)`;
}

/** Whether period `g.idx` is cut short: it ends after the day before as_of, or starts before `from`. */
export function partialPeriod(period: Period, asOf: string, from: string | undefined): SqlNode {
  return sql`(${periodStart(period, sql`(g.idx + 1)`)} > ${date(asOf)}${
    from === undefined ? sql`` : sql` OR ${periodStart(period, sql`g.idx`)} < ${date(from)}`
  })`;
}
