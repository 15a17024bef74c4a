import type { SelectColumn, SelectNode, SqlNode } from '../ast';

const same = (a: SqlNode, b: SqlNode) => JSON.stringify(a) === JSON.stringify(b);

/** Whether `e` stands for column `c`: its alias as a one-part identifier, or its very expression. */
function names(e: SqlNode, c: SelectColumn): boolean {
  if (e.kind === 'ident' && e.path.length === 1 && e.path[0] === c.alias) return true;
  return same(e, c.expr);
}

/**
 * GROUP BY GROUPING SETS as a UNION ALL of one GROUP BY per set, for engines without grouping
 * sets: in each branch the key columns outside the set are NULL and `grouping(…)` is the
 * constant bit mask SQL defines (bit set for an argument not grouped, first argument highest).
 * ORDER BY, LIMIT and OFFSET move to a select over the union, so they must name output columns.
 */
export function groupingSetsAsUnion(s: SelectNode): SelectNode {
  const sets = s.groupingSets ?? [];
  const keys = sets.flat();
  const isKey = (c: SelectColumn) => keys.some((k) => names(k, c));
  const branches = sets.map((set) => {
    const grouped = (e: SqlNode) =>
      set.some((k) => same(k, e) || s.columns.some((c) => names(k, c) && names(e, c)));
    const columns = s.columns.map((c): SelectColumn => {
      if (c.expr.kind === 'func' && c.expr.name === 'grouping') {
        const mask = c.expr.args.reduce((m, a) => m * 2 + (grouped(a) ? 0 : 1), 0);
        return { ...c, expr: { kind: 'raw', text: String(mask) } };
      }
      if (isKey(c) && !set.some((k) => names(k, c))) return { ...c, expr: { kind: 'raw', text: 'NULL' } };
      return c;
    });
    const branch: SelectNode = {
      ...s,
      with: undefined,
      columns,
      groupingSets: undefined,
      groupBy: set.length === 0 ? undefined : set,
      orderBy: undefined,
      limit: undefined,
      offset: undefined,
    };
    return branch;
  });
  return {
    kind: 'select',
    with: s.with,
    columns: [{ expr: { kind: 'raw', text: '*' } }],
    from: {
      kind: 'subquery',
      query: { kind: 'list', items: branches, separator: '\nUNION ALL\n' },
      alias: '__grouping_sets',
    },
    orderBy: s.orderBy,
    limit: s.limit,
    offset: s.offset,
  };
}
