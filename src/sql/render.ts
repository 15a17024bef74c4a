import type { FromItem, SelectColumn, SelectNode, SqlNode } from './ast';
import type { Dialect } from './dialect';
import { groupingSetsAsUnion } from './rewrite/grouping-sets';
import { qualifyAsSubquery } from './rewrite/qualify';
import { parseLogicalType, type SqlValue } from './types';

/** SQL text and its bound parameters, in placeholder order. */
export interface RenderedSql {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

/** The alias a wrapped query's output columns carry inside, where a dotted name would clash. */
export const RESULT_ALIAS = '__result';

/**
 * Renders an AST through a dialect. Parameters are numbered as they are rendered, so a dialect
 * must use numbered or named placeholders (DuckDB `$n`, ClickHouse `{pN:Type}`); the layout is
 * deterministic (one clause per line), so equal trees give equal text and equal cache keys.
 *
 * Every dialect flag is read here: grouping sets and QUALIFY are rewritten where the engine
 * lacks them, GROUP BY column references become ordinals or aliases, CTEs are materialised
 * where asked and possible, and where a dotted alias (`orders.count`) would be taken for a
 * table's column (ClickHouse), aliases carry `:` for `.` inside the query and a select around
 * the root gives the columns their names.
 */
export function render(node: SqlNode, dialect: Dialect): RenderedSql {
  const params: SqlValue[] = [];
  const name = (part: string) =>
    dialect.quoteIdentifier(dialect.supportsDottedAliases ? part : part.replaceAll('.', ':'));
  const r = (n: SqlNode, indent = ''): string => {
    const child = (x: SqlNode) => r(x, indent);
    switch (n.kind) {
      case 'raw':
        return n.text;
      case 'param': {
        params.push(n.value);
        const type = n.type === undefined ? undefined : parseLogicalType(n.type);
        return dialect.placeholder(params.length, type, n.value);
      }
      case 'ident':
        return n.path.map(name).join('.');
      case 'fragment':
        return n.parts.map(child).join('');
      case 'list':
        return n.items.map(child).join(n.separator);
      case 'func': {
        const filter = n.filter === undefined ? undefined : child(n.filter);
        return dialect.aggregate(n.name, n.args.map(child), n.distinct ?? false, filter);
      }
      case 'call': {
        const args = n.args.map(child);
        if (n.fn === 'null_safe_equals' && dialect.supportsNullSafeEquals)
          return `${args[0]} IS NOT DISTINCT FROM ${args[1]}`;
        return dialect.functions[n.fn](args, n, child);
      }
      case 'cast':
        return dialect.cast(child(n.expr), n.type);
      case 'time_bucket':
        return dialect.timeBucket(n.granularity, child(n.expr), n.timezone, child);
      case 'local_to_utc':
        return dialect.localToUtc(child(n.expr), n.timezone, child);
      case 'utc_to_local':
        return dialect.utcToLocal(child(n.expr), n.timezone, child);
      case 'text_match':
        return dialect.textMatch(n.mode, child(n.expr), child(n.value));
      case 'json_text':
        return dialect.jsonText(child(n.expr), n.path, child);
      case 'count_distinct':
        return dialect.countDistinct(
          child(n.expr),
          n.approx,
          n.filter === undefined ? undefined : child(n.filter),
        );
      case 'column_ref':
        throw new Error('a column reference belongs in a GROUP BY');
      case 'create_temp_table': {
        const query = n.query.kind === 'select' ? select(n.query, indent) : child(n.query);
        return dialect.createTempTable(name(n.name), query);
      }
      case 'select':
        return select(n, indent);
    }
  };
  const from = (f: FromItem, indent: string): string => {
    if (f.kind === 'table') {
      const t = f.path.map(name).join('.');
      return f.alias === undefined ? t : `${t} AS ${name(f.alias)}`;
    }
    const inner = f.query.kind === 'select' ? select(f.query, `${indent}  `) : r(f.query, `${indent}  `);
    return `(\n${indent}  ${inner}\n${indent}) AS ${name(f.alias)}`;
  };
  const groupKey = (e: SqlNode, columns: readonly SelectColumn[], indent: string): string => {
    if (e.kind !== 'column_ref') return r(e, indent);
    const column = columns[e.index - 1];
    if (!column) throw new Error(`GROUP BY column ${e.index} of ${columns.length}`);
    if (dialect.supportsGroupByOrdinal) return String(e.index);
    return column.alias === undefined ? r(column.expr, indent) : name(column.alias);
  };
  const select = (s: SelectNode, indent: string): string => {
    if (s.groupingSets && !dialect.supportsGroupingSets) return select(groupingSetsAsUnion(s), indent);
    if (s.qualify && !dialect.supportsQualify)
      return select(
        qualifyAsSubquery(s, (c) => dialect.starExcept([name(c)])),
        indent,
      );
    const nl = `\n${indent}`;
    const lines: string[] = [];
    if (s.with && s.with.length > 0) {
      const ctes = s.with.map((c) => {
        const materialized = c.materialized && dialect.supportsMaterializedCte ? 'MATERIALIZED ' : '';
        return `${name(c.name)} AS ${materialized}(${nl}  ${select(c.query, `${indent}  `)}${nl})`;
      });
      lines.push(`WITH ${ctes.join(`,${nl}`)}`);
    }
    const cols = s.columns.map(
      (c) => `${r(c.expr, `${indent}  `)}${c.alias === undefined ? '' : ` AS ${name(c.alias)}`}`,
    );
    lines.push(`SELECT${s.distinct ? ' DISTINCT' : ''}${nl}  ${cols.join(`,${nl}  `)}`);
    if (s.from) lines.push(`FROM ${from(s.from, indent)}`);
    for (const j of s.joins ?? []) {
      const kind = { left: 'LEFT JOIN', inner: 'JOIN', full: 'FULL JOIN', cross: 'CROSS JOIN' }[j.type];
      lines.push(`${kind} ${from(j.item, indent)}${j.on ? ` ON ${r(j.on, indent)}` : ''}`);
    }
    if (s.where) lines.push(`WHERE ${r(s.where, indent)}`);
    if (s.groupingSets) {
      const sets = s.groupingSets.map(
        (set) => `(${set.map((e) => groupKey(e, s.columns, indent)).join(', ')})`,
      );
      lines.push(`GROUP BY GROUPING SETS (${sets.join(', ')})`);
    } else if (s.groupBy && s.groupBy.length > 0) {
      lines.push(`GROUP BY ${s.groupBy.map((e) => groupKey(e, s.columns, indent)).join(', ')}`);
    }
    if (s.having) lines.push(`HAVING ${r(s.having, indent)}`);
    if (s.qualify) lines.push(`QUALIFY ${r(s.qualify, indent)}`);
    if (s.orderBy && s.orderBy.length > 0) lines.push(`ORDER BY ${orderBy(s, indent)}`);
    if (s.limit) lines.push(`LIMIT ${r(s.limit, indent)}`);
    if (s.offset) lines.push(`OFFSET ${r(s.offset, indent)}`);
    if (s.groupingSets && dialect.groupingSetsSettings)
      lines.push(`SETTINGS ${dialect.groupingSetsSettings}`);
    return lines.join(nl);
  };
  const orderBy = (s: SelectNode, indent: string) =>
    (s.orderBy ?? [])
      .map(
        (o) =>
          `${r(o.expr, indent)} ${o.direction.toUpperCase()}${o.nulls ? ` NULLS ${o.nulls.toUpperCase()}` : ''}`,
      )
      .join(', ');
  /**
   * The root select under its real column names, where inside the query they carry `:`: the
   * order is applied again outside (over at most LIMIT rows), as a subquery's order is not kept.
   */
  const named = (s: SelectNode): string => {
    const inner = select(s, '  ');
    const columns = s.columns.map((c) => `${name(c.alias!)} AS ${dialect.quoteIdentifier(c.alias!)}`);
    const lines = [`SELECT\n  ${columns.join(',\n  ')}`, `FROM (\n  ${inner}\n) AS ${name(RESULT_ALIAS)}`];
    const order = s.orderBy ?? [];
    if (order.length > 0 && order.every((o) => o.expr.kind === 'ident' && o.expr.path.length === 1))
      lines.push(`ORDER BY ${orderBy(s, '')}`);
    return lines.join('\n');
  };
  const needsNames =
    node.kind === 'select' &&
    !dialect.supportsDottedAliases &&
    node.columns.every((c) => c.alias !== undefined) &&
    node.columns.some((c) => c.alias!.includes('.'));
  const text = needsNames ? named(node) : r(node);
  return { text, params };
}
