import { ident, list, param, raw, type SqlNode, sql } from '../../../sql';
import type { Period } from './params';
import { periodIndex } from './periods';

/** A CTE; `materialized` makes DuckDB compute it once (else DuckDB decides). */
export type Cte = readonly [name: string, query: SqlNode, materialized?: boolean];

export function withCtes(ctes: readonly Cte[], body: SqlNode): SqlNode {
  const items = ctes.map(([name, q, m]) => sql`${ident(name)} AS ${raw(m ? 'MATERIALIZED ' : '')}(${q})`);
  return sql`WITH ${list(items, ',\n')}\n${body}`;
}

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
