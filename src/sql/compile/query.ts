import { AppError } from '../../errors';
import type { FactGroup, LogicalMeasure, LogicalQuery } from '../../model/logical-query';
import type { Dimension, Measure, Model } from '../../model/types';
import type { JoinClause, SelectColumn, SelectNode, SqlNode } from '../ast';
import { and, countDistinct, func, ident, list, param, raw, select, sql } from '../factories';
import { columnRef, fn } from '../functions';
import { compileFilter } from './conditions';
import { MemberCompiler } from './members';
import { joinClauses, tableOf } from './tables';

/** One aggregated relation keyed by the query's dimensions; several are full-joined. */
interface Part {
  readonly name: string;
  readonly query: SelectNode;
  readonly measures: readonly string[];
  /** Aggregated over distinct rows of a subquery: HAVING and rollup cannot reach its sources. */
  readonly overDistinctRows?: boolean;
}

export const GROUPING_COLUMN = '__grouping';

function joinsOf(members: MemberCompiler, group: FactGroup): JoinClause[] {
  return joinClauses(members, group.joins);
}

/**
 * Compiles a resolved query to one SELECT. Each group of measures is aggregated from its own
 * root at the query's grain, then the groups are full-joined on the dimensions, so a measure is
 * never multiplied by another fact's rows.
 */
export function compileQuery(model: Model, q: LogicalQuery): SelectNode {
  const members = new MemberCompiler(model, q.now);
  const rowTarget = (m: Dimension | Measure) =>
    m.kind === 'dimension' ? members.dimension(m) : members.measure(m);
  const where = q.where ? compileFilter(q.where, members, rowTarget, q.timezone) : undefined;
  const dimColumns: SelectColumn[] = q.dimensions.map((d) => ({
    expr: members.queryDimension(d, q.timezone),
    alias: d.alias,
  }));
  // By position: an ordinal where the engine takes one, else the column's alias (the dialect's choice).
  const ordinals = q.dimensions.map((_, i) => columnRef(i + 1));

  const parts: Part[] = [];
  q.groups.forEach((group, gi) => {
    const plain = group.measures.filter((m) => !group.multiplied.has(m.measure.fullName));
    if (plain.length > 0 || group.measures.length === 0) {
      const aggregation = q.ungrouped ? 'row' : 'aggregate';
      const columns = [
        ...dimColumns,
        ...plain.map((m) => ({ expr: members.measure(m.measure, aggregation), alias: m.alias })),
      ];
      parts.push({
        name: `g${gi}`,
        measures: plain.map((m) => m.alias),
        query: select({
          columns,
          from: tableOf(members, group.root.name),
          joins: joinsOf(members, group),
          where,
          groupBy: q.ungrouped || (plain.length === 0 && q.dimensions.length === 0) ? undefined : ordinals,
        }),
      });
    }
    const multiplied = group.measures.filter((m) => group.multiplied.has(m.measure.fullName));
    for (const [mi, m] of multiplied.entries()) {
      parts.push(multipliedPart(members, q, group, m, where, dimColumns, `g${gi}m${mi}`));
    }
  });

  const having = q.having;
  if (parts.length === 1 && !parts[0]!.overDistinctRows) {
    const part = parts[0]!.query;
    const rolled = new Set(q.rollup);
    const rollupSets =
      rolled.size === 0
        ? undefined
        : Array.from({ length: q.rollup.length + 1 }, (_, k) => {
            const dropped = new Set(q.rollup.slice(q.rollup.length - k));
            // By alias: the select list's expressions bind their own parameters (a time zone),
            // so a recompiled expression would not be recognised as the same group.
            return q.dimensions.filter((d) => !dropped.has(d.alias)).map((d) => ident(d.alias));
          });
    const groupingColumns: SelectColumn[] =
      rolled.size === 0
        ? []
        : [
            {
              expr: func(
                'grouping',
                q.dimensions.filter((d) => rolled.has(d.alias)).map((d) => ident(d.alias)),
              ),
              alias: GROUPING_COLUMN,
            },
          ];
    return select({
      ...part,
      columns: [...part.columns, ...groupingColumns],
      groupBy: rollupSets ? undefined : part.groupBy,
      groupingSets: rollupSets,
      having: having
        ? compileFilter(having, members, (m) => members.measure(m as Measure), q.timezone)
        : undefined,
      orderBy: q.order.map((o) => ({ expr: ident(o.alias), direction: o.direction })),
      limit: q.limit === undefined ? undefined : param(q.limit),
      offset: q.offset > 0 ? param(q.offset) : undefined,
    });
  }
  return joinParts(members, q, parts);
}

/**
 * A measure of a cube on the "one" side of its root: its rows repeat once per root row, so it
 * is aggregated over the distinct (dimensions, primary key) rows of its cube.
 */
function multipliedPart(
  members: MemberCompiler,
  q: LogicalQuery,
  group: FactGroup,
  lm: LogicalMeasure,
  where: SqlNode | undefined,
  dimColumns: readonly SelectColumn[],
  name: string,
): Part {
  const m = lm.measure;
  if (m.type === 'number') {
    throw new AppError(
      'UNSUPPORTED_FEATURE',
      `${m.fullName} is a number measure of ${m.cube}, which ${group.root.name} reaches through a many-to-one join; query its parts instead`,
    );
  }
  const filter = members.measureFilter(m);
  const keys = members.primaryKey(m.cube);
  // Rows of the root that join no row of the measure's cube must not count as one.
  const present = and([...(where ? [where] : []), ...keys.map((k) => sql`${k} IS NOT NULL`)]);
  const inner = select({
    distinct: true,
    columns: [
      ...dimColumns.map((c, i) => ({ expr: c.expr, alias: `d${i}` })),
      ...keys.map((k, i) => ({ expr: k, alias: `pk${i}` })),
      { expr: m.sql ? members.expr(m.sql, m.cube) : raw('1'), alias: 'v' },
      { expr: filter ?? raw('true'), alias: 'f' },
    ],
    from: tableOf(members, group.root.name),
    joins: joinsOf(members, group),
    where: present,
  });
  const v = ident('v');
  const f = m.filters.length > 0 ? ident('f') : undefined;
  const agg =
    m.type === 'count'
      ? func('count', m.sql ? [v] : [], { filter: f })
      : m.type === 'count_distinct' || m.type === 'count_distinct_approx'
        ? countDistinct(v, m.type === 'count_distinct_approx', f)
        : func(m.type, [v], { filter: f });
  return {
    name,
    measures: [lm.alias],
    overDistinctRows: true,
    query: select({
      columns: [
        ...q.dimensions.map((d, i) => ({ expr: ident(`d${i}`), alias: d.alias })),
        { expr: agg, alias: lm.alias },
      ],
      from: { kind: 'subquery', query: inner, alias: 'distinct_rows' },
      groupBy: q.dimensions.map((_, i) => columnRef(i + 1)),
    }),
  };
}

/** Full-joins the parts on the dimensions (null-safe), coalescing each dimension across parts. */
function joinParts(members: MemberCompiler, q: LogicalQuery, parts: readonly Part[]): SelectNode {
  const key = (part: string, alias: string) => ident(part, alias);
  const coalesced = (alias: string, upTo: number) =>
    upTo === 0
      ? key(parts[0]!.name, alias)
      : func(
          'coalesce',
          parts.slice(0, upTo + 1).map((p) => key(p.name, alias)),
        );
  const joins: JoinClause[] = parts.slice(1).map((p, i) => {
    const conditions = q.dimensions.map((d) =>
      fn.nullSafeEquals(coalesced(d.alias, i), key(p.name, d.alias)),
    );
    return conditions.length === 0
      ? { type: 'cross', item: { kind: 'table', path: [p.name] } }
      : { type: 'full', item: { kind: 'table', path: [p.name] }, on: list(conditions, ' AND ') };
  });
  const measureColumn = new Map(parts.flatMap((p) => p.measures.map((m) => [m, key(p.name, m)] as const)));
  const columns: SelectColumn[] = [
    ...q.dimensions.map((d) => ({ expr: coalesced(d.alias, parts.length - 1), alias: d.alias })),
    ...parts.flatMap((p) => p.measures.map((m) => ({ expr: key(p.name, m), alias: m }))),
  ];
  const having = q.having
    ? compileFilter(q.having, members, (m) => measureColumn.get(measureAlias(q, m as Measure))!, q.timezone)
    : undefined;
  return select({
    with: parts.map((p) => ({ name: p.name, query: p.query })),
    columns,
    from: { kind: 'table', path: [parts[0]!.name] },
    joins,
    where: having,
    orderBy: q.order.map((o) => ({ expr: ident(o.alias), direction: o.direction })),
    limit: q.limit === undefined ? undefined : param(q.limit),
    offset: q.offset > 0 ? param(q.offset) : undefined,
  });
}

function measureAlias(q: LogicalQuery, m: Measure): string {
  for (const g of q.groups) for (const lm of g.measures) if (lm.measure === m) return lm.alias;
  throw new Error(`measure ${m.fullName} is filtered but not selected`);
}
