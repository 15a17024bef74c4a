import { ident, list, raw, type SqlNode, select, sql } from '../../sql';

/** A CTE; `materialized` makes DuckDB compute it once (else DuckDB decides). */
export type Cte = readonly [name: string, query: SqlNode, materialized?: boolean];

/** `WITH a AS (…), b AS MATERIALIZED (…) body`. */
export function withCtes(ctes: readonly Cte[], body: SqlNode): SqlNode {
  const items = ctes.map(([name, q, m]) => sql`${ident(name)} AS ${raw(m ? 'MATERIALIZED ' : '')}(${q})`);
  return sql`WITH ${list(items, ',\n')}\n${body}`;
}

/**
 * A CTE as an entry of a select node's `with` (the query wrapped as `SELECT * FROM (…)`): the
 * dialect writes MATERIALIZED only where the engine takes it.
 */
export function cteEntry(name: string, query: SqlNode, materialized = false) {
  return {
    name,
    query: select({ columns: [{ expr: raw('*') }], from: { kind: 'subquery', query, alias: name } }),
    materialized,
  };
}
