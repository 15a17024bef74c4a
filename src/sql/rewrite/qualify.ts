import type { SelectNode } from '../ast';

export const QUALIFY_COLUMN = '__qualify';

/**
 * QUALIFY for engines without it: the condition becomes a column of the select, and a select
 * around it keeps the rows where it holds (every column but that one). ORDER BY, LIMIT and
 * OFFSET move outside, so they must name output columns.
 */
export function qualifyAsSubquery(s: SelectNode, starExcept: (column: string) => string): SelectNode {
  if (s.qualify === undefined) return s;
  const inner: SelectNode = {
    ...s,
    with: undefined,
    columns: [...s.columns, { expr: s.qualify, alias: QUALIFY_COLUMN }],
    qualify: undefined,
    orderBy: undefined,
    limit: undefined,
    offset: undefined,
  };
  return {
    kind: 'select',
    with: s.with,
    columns: [{ expr: { kind: 'raw', text: starExcept(QUALIFY_COLUMN) } }],
    from: { kind: 'subquery', query: inner, alias: '__qualified' },
    where: { kind: 'ident', path: [QUALIFY_COLUMN] },
    orderBy: s.orderBy,
    limit: s.limit,
    offset: s.offset,
  };
}
