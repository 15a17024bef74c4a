import { baseDialect, type Dialect } from '../dialect';

const GRANULARITY = /^(second|minute|hour|day|week|month|quarter|year)$/;

export const duckdbDialect: Dialect = {
  ...baseDialect,
  name: 'duckdb',
  placeholder: (index, type) => (type ? `$${index}::${type}` : `$${index}`),
  timeBucket: (g, expr, tz, value) => {
    if (!GRANULARITY.test(g)) throw new Error(`unknown granularity ${g}`);
    // Timestamps are stored as UTC wall time; only a requested zone pays for a conversion.
    const local =
      tz === undefined ? expr : `timezone(${value({ kind: 'param', value: tz })}, timezone('UTC', ${expr}))`;
    return `date_trunc('${g}', ${local})`;
  },
  localToUtc: (expr, tz, value) =>
    `timezone('UTC', timezone(${value({ kind: 'param', value: tz })}, ${expr}))`,
  countDistinct: (expr, approx, filter) => {
    const f = filter === undefined ? '' : ` FILTER (WHERE ${filter})`;
    return approx ? `approx_count_distinct(${expr})${f}` : `count(DISTINCT ${expr})${f}`;
  },
  textMatch: (mode, expr, value) => {
    const fn = mode === 'contains' ? 'contains' : mode === 'starts_with' ? 'starts_with' : 'ends_with';
    return `${fn}(lower(${expr}), lower(${value}))`;
  },
  supportsAggregateFilter: true,
  supportsQualify: true,
};
