import type { ScopedRowFilter } from '../../model/access/types';
import { joinPath } from '../../model/join-graph';
import type { Cube, Dimension, Model, ModelExpr } from '../../model/types';
import type { FromItem, SqlNode } from '../ast';
import { and, ident, list, param, paren, raw, select, sql } from '../factories';

/** What this file needs of the MemberCompiler (named here, so members.ts can import this file). */
interface MemberCompiler {
  readonly model: Model;
  cube(name: string): Cube;
  expr(e: ModelExpr, cube: string): SqlNode;
  dimension(d: Dimension): SqlNode;
}

/** A cube's own table or SQL under its alias, with no access condition. */
export function sourceOf(members: MemberCompiler, cube: string): FromItem {
  const c = members.cube(cube);
  return c.source.kind === 'table'
    ? { kind: 'table', path: c.source.path, alias: cube }
    : { kind: 'subquery', query: members.expr(c.source.sql, cube), alias: cube };
}

function valueCondition(members: MemberCompiler, f: ScopedRowFilter): SqlNode {
  const dimension = members.cube(f.cube).dimensions.get(f.dimension);
  if (!dimension) throw new Error(`access policy: no dimension ${f.cube}.${f.dimension}`);
  const x = members.dimension(dimension);
  const values = list(f.values.map((v) => param(v)));
  if (f.operator === 'equals') return f.values.length === 0 ? raw('FALSE') : sql`${x} IN (${values})`;
  return f.values.length === 0 ? raw('TRUE') : sql`(${x} IS NULL OR ${x} NOT IN (${values}))`;
}

const NAME = '([A-Za-z_][A-Za-z0-9_]*)';
/** `.column` after a cube reference, and `.column =` before the other one. */
const COLUMN = new RegExp(`^\\.\\s*${NAME}\\s*$`);
const COLUMN_EQUALS = new RegExp(`^\\.\\s*${NAME}\\s*=\\s*$`);

type Part = ModelExpr['parts'][number] | undefined;
const textMatch = (p: Part, re: RegExp): string | undefined =>
  p?.kind === 'text' ? re.exec(p.text)?.[1] : undefined;

/**
 * The two columns of a join written as one equality, `{CUBE}.a = {to}.b` (either way round), or
 * undefined for any other join condition.
 */
function equiJoinColumns(
  e: ModelExpr,
  to: string,
): { readonly own: string; readonly other: string } | undefined {
  if (e.parts.length !== 4) return undefined;
  const [a, b, c, d] = e.parts;
  const pair = (own: string | undefined, other: string | undefined) =>
    own !== undefined && other !== undefined ? { own, other } : undefined;
  if (a?.kind === 'self' && c?.kind === 'cube' && c.cube === to)
    return pair(textMatch(b, COLUMN_EQUALS), textMatch(d, COLUMN));
  if (a?.kind === 'cube' && a.cube === to && c?.kind === 'self')
    return pair(textMatch(d, COLUMN), textMatch(b, COLUMN_EQUALS));
  return undefined;
}

/**
 * The condition on `cube`'s rows: a filter on its own dimension directly, one on a joined cube's
 * dimension through the join path, so the cube's rows are filtered, never multiplied. A path
 * whose first join, declared on this cube, is one equality of two columns becomes
 * `own_key IN (SELECT key … WHERE rule)`, any other an EXISTS: ClickHouse runs the correlated EXISTS once per row (a restricted campaign ROI took 2.7 s
 * on chdb with it, 0.42 s with the IN); DuckDB decorrelates both alike.
 */
function rowCondition(members: MemberCompiler, cube: string, f: ScopedRowFilter): SqlNode {
  const target = f.cube;
  if (target === cube) return valueCondition(members, f);
  const path = joinPath(members.model.edges, cube, target);
  if (!path || path.length === 0) throw new Error(`access policy of ${cube}: no join path to ${target}`);
  const [first, ...rest] = path;
  const joins = rest.map((e) => ({
    type: 'inner' as const,
    item: sourceOf(members, e.to),
    on: members.expr(e.join.sql, e.join.from),
  }));
  // {CUBE} in the join is the cube the join is declared on: only that one is `cube` here (a join
  // declared one_to_many on the other cube is reversed and keeps the EXISTS).
  const keys = first!.join.from === cube ? equiJoinColumns(first!.join.sql, first!.to) : undefined;
  if (keys !== undefined) {
    // The names passed NAME: plain identifiers, as the model wrote them.
    const ownKey = sql`${ident(cube)}.${raw(keys.own)}`;
    const otherKey = sql`${ident(first!.to)}.${raw(keys.other)}`;
    const keysOf = select({
      columns: [{ expr: otherKey }],
      from: sourceOf(members, first!.to),
      joins,
      where: valueCondition(members, f),
    });
    return sql`${ownKey} IN ${paren(keysOf)}`;
  }
  const inner = select({
    columns: [{ expr: raw('1') }],
    from: sourceOf(members, first!.to),
    joins,
    where: and([members.expr(first!.join.sql, first!.join.from), valueCondition(members, f)]),
  });
  return sql`EXISTS ${paren(inner)}`;
}

/**
 * The one place access rules reach SQL: every read of a cube's table (queries of every shape,
 * report populations, Customer 360) goes through `tableOf`, which asks here. A model restricted
 * to a user (src/model/access/restrict.ts) wraps the table in a subquery keeping only the rows
 * the user may see.
 */
export function guardedSource(members: MemberCompiler, cube: string): FromItem {
  const item = sourceOf(members, cube);
  const filters = members.model.access?.rows.get(cube);
  if (!filters || filters.length === 0) return item;
  return {
    kind: 'subquery',
    alias: cube,
    query: select({
      columns: [{ expr: raw('*') }],
      from: item,
      where: and(filters.map((f) => rowCondition(members, cube, f))),
    }),
  };
}
