import { raw, type SqlNode, sql } from '../../../sql';
import type { Period } from './params';

/**
 * A period as an integer, so that consecutive periods differ by 1: days since 1970-01-01,
 * weeks since Monday 1970-01-05 (weeks start on Monday, ISO), months since January of year 0.
 * `ts` is a local wall-clock timestamp.
 */
export function periodIndex(period: Period, ts: SqlNode): SqlNode {
  switch (period) {
    case 'day':
      return sql`date_diff('day', DATE '1970-01-01', CAST(${ts} AS DATE))`;
    case 'week':
      // Floor division: days before 1970-01-05 fall in negative weeks.
      return sql`(date_diff('day', DATE '1970-01-05', CAST(${ts} AS DATE)) // 7)`;
    case 'month':
      return sql`(year(${ts}) * 12 + month(${ts}) - 1)`;
  }
}

/**
 * The first day of the period holding `ts` (a DATE): cheaper per row than the index, so reports
 * group on it and take periodIndex of the groups.
 */
export function periodKey(period: Period, ts: SqlNode): SqlNode {
  return period === 'day'
    ? sql`CAST(${ts} AS DATE)`
    : sql`CAST(date_trunc(${raw(`'${period}'`)}, ${ts}) AS DATE)`;
}

/** The first day of period `index` as a DATE. */
export function periodStart(period: Period, index: SqlNode): SqlNode {
  switch (period) {
    case 'day':
      return sql`CAST(DATE '1970-01-01' + CAST(${index} AS INTEGER) AS DATE)`;
    case 'week':
      return sql`CAST(DATE '1970-01-05' + 7 * CAST(${index} AS INTEGER) AS DATE)`;
    case 'month':
      return sql`make_date(CAST(${index} // 12 AS INTEGER), CAST(${index} % 12 + 1 AS INTEGER), 1)`;
  }
}

/** The period's first day as 'YYYY-MM-DD'. */
export function periodLabel(period: Period, index: SqlNode): SqlNode {
  return sql`strftime(${periodStart(period, index)}, '%Y-%m-%d')`;
}

/** The number of days of period `index`. */
export function periodDays(period: Period, index: SqlNode): SqlNode {
  switch (period) {
    case 'day':
      return raw('1');
    case 'week':
      return raw('7');
    case 'month':
      return sql`CAST(date_diff('day', ${periodStart(period, index)}, ${periodStart(period, sql`(${index} + 1)`)}) AS INTEGER)`;
  }
}
