import { cast, fn, param, raw, type SqlNode, sql, timeBucket } from '../../../sql';
import type { Period } from './params';

/** A date constant as a bound DATE. */
const day = (d: string): SqlNode => param(d, 'date');

/** January 1970 as a month index (year * 12 + month − 1). */
const MONTH_1970 = 1970 * 12;

/**
 * A period as an integer, so that consecutive periods differ by 1: days since 1970-01-01,
 * weeks since Monday 1970-01-05 (weeks start on Monday, ISO), months since January of year 0.
 * `ts` is a local wall-clock timestamp (or a date). Written through the function table, so it
 * answers alike on every engine.
 */
export function periodIndex(period: Period, ts: SqlNode): SqlNode {
  switch (period) {
    case 'day':
      return fn.dateDiff('day', day('1970-01-01'), cast(ts, 'date'));
    case 'week':
      // Floor division (a double on both engines, then whole): days before 1970-01-05 fall in
      // negative weeks.
      return cast(sql`floor(${fn.dateDiff('day', day('1970-01-05'), cast(ts, 'date'))} / 7)`, 'bigint');
    case 'month':
      return sql`(${fn.datePart('year', ts)} * 12 + ${fn.datePart('month', ts)} - 1)`;
  }
}

/**
 * The first day of the period holding `ts` (a DATE): cheaper per row than the index, so reports
 * group on it and take periodIndex of the groups. Weeks start on Monday on both engines.
 */
export function periodKey(period: Period, ts: SqlNode): SqlNode {
  return period === 'day' ? cast(ts, 'date') : cast(timeBucket(period, ts), 'date');
}

/** The first day of period `index` as a DATE. */
export function periodStart(period: Period, index: SqlNode): SqlNode {
  switch (period) {
    case 'day':
      return cast(fn.dateAdd('day', cast(index, 'bigint'), day('1970-01-01')), 'date');
    case 'week':
      return cast(fn.dateAdd('day', sql`7 * ${cast(index, 'bigint')}`, day('1970-01-05')), 'date');
    case 'month':
      // Months from January 1970 (ClickHouse's dates start in 1900, not year 0).
      return cast(
        fn.dateAdd('month', sql`${cast(index, 'bigint')} - ${raw(String(MONTH_1970))}`, day('1970-01-01')),
        'date',
      );
  }
}

/** The period's first day as 'YYYY-MM-DD' (a date's text on both engines). */
export function periodLabel(period: Period, index: SqlNode): SqlNode {
  return cast(periodStart(period, index), 'text');
}

/** The number of days of period `index`. */
export function periodDays(period: Period, index: SqlNode): SqlNode {
  switch (period) {
    case 'day':
      return raw('1');
    case 'week':
      return raw('7');
    case 'month':
      return cast(
        fn.dateDiff('day', periodStart(period, index), periodStart(period, sql`(${index} + 1)`)),
        'integer',
      );
  }
}
