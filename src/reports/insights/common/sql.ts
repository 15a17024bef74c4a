import { cast, fn, type OrderItem, param, raw, type SqlNode, select, sql } from '../../../sql';
import { type Cte, cteEntry } from '../../common/ctes';
import type { Period } from './params';
import { periodIndex, periodStart } from './periods';

export type { Cte } from '../../common/ctes';

/** An integer constant, bound as a typed parameter. */
export const int = (n: number): SqlNode => param(n, 'INTEGER');

/** A date constant ('YYYY-MM-DD'), bound. */
export const date = (d: string): SqlNode => param(d, 'DATE');

/**
 * `WITH ctes SELECT * FROM (body) ORDER BY …` as a select node, so the dialect writes the CTEs
 * (MATERIALIZED where the engine takes it). The order is the outer select's, by output columns
 * (`'bd NULLS FIRST'` style items as [column, nulls first?]): a subquery's order is not kept on
 * every engine.
 */
export function withCtes(
  ctes: readonly Cte[],
  body: SqlNode,
  orderBy: readonly (string | readonly [string, 'first' | 'last'])[] = [],
): SqlNode {
  return select({
    with: ctes.map(([name, query, materialized]) => cteEntry(name, query, materialized ?? false)),
    columns: [{ expr: raw('*') }],
    from: { kind: 'subquery', query: body, alias: 'body' },
    orderBy: orderBy.map((o): OrderItem => {
      const [column, nulls] = typeof o === 'string' ? [o, undefined] : o;
      return { expr: raw(column), direction: 'asc', ...(nulls ? { nulls } : {}) };
    }),
  });
}

/** The period index of `from` (a date), or NULL. */
export function fromIndex(period: Period, from: string | undefined): SqlNode {
  return from === undefined ? cast(raw('NULL'), 'bigint') : periodIndex(period, date(from));
}

/** The period index of the last day before as_of. */
export function lastIndex(period: Period, asOf: string): SqlNode {
  return periodIndex(period, fn.dateAdd('day', raw('-1'), date(asOf)));
}

/** ` WHERE ts >= from`: the rows of a range that starts at `from`; nothing without one. */
export function fromRows(from: string | undefined): SqlNode {
  return from === undefined ? sql`` : sql` WHERE ts >= ${cast(date(from), 'timestamp')}`;
}

/** Whether period `g.idx` is cut short: it ends after the day before as_of, or starts before `from`. */
export function partialPeriod(period: Period, asOf: string, from: string | undefined): SqlNode {
  return fn.asBoolean(
    sql`${periodStart(period, sql`(g.idx + 1)`)} > ${date(asOf)}${
      from === undefined ? sql`` : sql` OR ${periodStart(period, sql`g.idx`)} < ${date(from)}`
    }`,
  );
}
