import type { FromItem, SelectNode, SqlNode, SqlValue } from './ast';
import type { Dialect } from './dialect';

/** SQL text and its bound parameters, in placeholder order. */
export interface RenderedSql {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

/**
 * Renders an AST through a dialect. Parameters are numbered as they are rendered, so a dialect
 * must use numbered or named placeholders (DuckDB `$n`, ClickHouse `{pN:Type}`); the layout is
 * deterministic (one clause per line), so equal trees give equal text and equal cache keys.
 */
export function render(node: SqlNode, dialect: Dialect): RenderedSql {
  const params: SqlValue[] = [];
  const r = (n: SqlNode, indent = ''): string => {
    switch (n.kind) {
      case 'raw':
        return n.text;
      case 'param':
        params.push(n.value);
        return dialect.placeholder(params.length, n.type);
      case 'ident':
        return n.path.map((p) => dialect.quoteIdentifier(p)).join('.');
      case 'fragment':
        return n.parts.map((p) => r(p, indent)).join('');
      case 'list':
        return n.items.map((i) => r(i, indent)).join(n.separator);
      case 'func': {
        const distinct = n.distinct ? 'DISTINCT ' : '';
        if (n.filter !== undefined && !dialect.supportsAggregateFilter) {
          const filter = r(n.filter, indent);
          const args = n.args.map((a) => r(a, indent)).join(', ');
          if (n.args.length === 0) return `${n.name}(CASE WHEN ${filter} THEN 1 END)`;
          return `${n.name}(${distinct}CASE WHEN ${filter} THEN ${args} END)`;
        }
        const args = n.args.length === 0 ? '*' : n.args.map((a) => r(a, indent)).join(', ');
        const call = `${n.name}(${distinct}${args})`;
        return n.filter === undefined ? call : `${call} FILTER (WHERE ${r(n.filter, indent)})`;
      }
      case 'time_bucket':
        return dialect.timeBucket(n.granularity, r(n.expr, indent), n.timezone, (x) => r(x, indent));
      case 'local_to_utc':
        return dialect.localToUtc(r(n.expr, indent), n.timezone, (x) => r(x, indent));
      case 'text_match':
        return dialect.textMatch(n.mode, r(n.expr, indent), r(n.value, indent));
      case 'json_text':
        return dialect.jsonText(r(n.expr, indent), n.path, (x) => r(x, indent));
      case 'count_distinct':
        return dialect.countDistinct(
          r(n.expr, indent),
          n.approx,
          n.filter === undefined ? undefined : r(n.filter, indent),
        );
      case 'select':
        return select(n, indent);
    }
  };
  const from = (f: FromItem, indent: string): string => {
    if (f.kind === 'table') {
      const t = f.path.map((p) => dialect.quoteIdentifier(p)).join('.');
      return f.alias === undefined ? t : `${t} AS ${dialect.quoteIdentifier(f.alias)}`;
    }
    const inner = f.query.kind === 'select' ? select(f.query, `${indent}  `) : r(f.query, `${indent}  `);
    return `(\n${indent}  ${inner}\n${indent}) AS ${dialect.quoteIdentifier(f.alias)}`;
  };
  const select = (s: SelectNode, indent: string): string => {
    const nl = `\n${indent}`;
    const lines: string[] = [];
    if (s.with && s.with.length > 0) {
      const ctes = s.with.map(
        (c) => `${dialect.quoteIdentifier(c.name)} AS (${nl}  ${select(c.query, `${indent}  `)}${nl})`,
      );
      lines.push(`WITH ${ctes.join(`,${nl}`)}`);
    }
    const cols = s.columns.map(
      (c) =>
        `${r(c.expr, `${indent}  `)}${c.alias === undefined ? '' : ` AS ${dialect.quoteIdentifier(c.alias)}`}`,
    );
    lines.push(`SELECT${s.distinct ? ' DISTINCT' : ''}${nl}  ${cols.join(`,${nl}  `)}`);
    if (s.from) lines.push(`FROM ${from(s.from, indent)}`);
    for (const j of s.joins ?? []) {
      const kind = { left: 'LEFT JOIN', inner: 'JOIN', full: 'FULL JOIN', cross: 'CROSS JOIN' }[j.type];
      lines.push(`${kind} ${from(j.item, indent)}${j.on ? ` ON ${r(j.on, indent)}` : ''}`);
    }
    if (s.where) lines.push(`WHERE ${r(s.where, indent)}`);
    if (s.groupingSets) {
      const sets = s.groupingSets.map((set) => `(${set.map((e) => r(e, indent)).join(', ')})`);
      lines.push(`GROUP BY GROUPING SETS (${sets.join(', ')})`);
    } else if (s.groupBy && s.groupBy.length > 0) {
      lines.push(`GROUP BY ${s.groupBy.map((e) => r(e, indent)).join(', ')}`);
    }
    if (s.having) lines.push(`HAVING ${r(s.having, indent)}`);
    if (s.qualify) lines.push(`QUALIFY ${r(s.qualify, indent)}`);
    if (s.orderBy && s.orderBy.length > 0) {
      const items = s.orderBy.map(
        (o) =>
          `${r(o.expr, indent)} ${o.direction.toUpperCase()}${o.nulls ? ` NULLS ${o.nulls.toUpperCase()}` : ''}`,
      );
      lines.push(`ORDER BY ${items.join(', ')}`);
    }
    if (s.limit) lines.push(`LIMIT ${r(s.limit, indent)}`);
    if (s.offset) lines.push(`OFFSET ${r(s.offset, indent)}`);
    return lines.join(nl);
  };
  const text = r(node);
  return { text, params };
}
