import { ident, list, raw, type SqlNode, sql } from '../../sql';

/** A CTE; `materialized` makes DuckDB compute it once (else DuckDB decides). */
export type Cte = readonly [name: string, query: SqlNode, materialized?: boolean];

/** `WITH a AS (…), b AS MATERIALIZED (…) body`. */
export function withCtes(ctes: readonly Cte[], body: SqlNode): SqlNode {
  const items = ctes.map(([name, q, m]) => sql`${ident(name)} AS ${raw(m ? 'MATERIALIZED ' : '')}(${q})`);
  return sql`WITH ${list(items, ',\n')}\n${body}`;
}
