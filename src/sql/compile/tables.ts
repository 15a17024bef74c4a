import type { JoinEdge } from '../../model/types';
import type { FromItem, JoinClause } from '../ast';
import type { MemberCompiler } from './members';
import { guardedSource } from './row-access';

/** A cube's table (or SQL) under its alias, which is the cube's name, limited to the rows the user may see. */
export function tableOf(members: MemberCompiler, cube: string): FromItem {
  return guardedSource(members, cube);
}

/** LEFT JOINs along the edges, each to the cube on its "one" side. */
export function joinClauses(members: MemberCompiler, edges: readonly JoinEdge[]): JoinClause[] {
  return edges.map((e) => ({
    type: 'left',
    item: tableOf(members, e.to),
    on: members.expr(e.join.sql, e.join.from),
  }));
}
