import type { JoinEdge } from '../../model/types';
import type { FromItem, JoinClause } from '../ast';
import type { MemberCompiler } from './members';

/** A cube's table (or SQL) under its alias, which is the cube's name. */
export function tableOf(members: MemberCompiler, cube: string): FromItem {
  const c = members.cube(cube);
  return c.source.kind === 'table'
    ? { kind: 'table', path: c.source.path, alias: cube }
    : { kind: 'subquery', query: members.expr(c.source.sql, cube), alias: cube };
}

/** LEFT JOINs along the edges, each to the cube on its "one" side. */
export function joinClauses(members: MemberCompiler, edges: readonly JoinEdge[]): JoinClause[] {
  return edges.map((e) => ({
    type: 'left',
    item: tableOf(members, e.to),
    on: members.expr(e.join.sql, e.join.from),
  }));
}
