import { baseDialect, type Dialect } from '../dialect';
import { duckdbFunctions } from './duckdb-functions';

const GRANULARITY = /^(second|minute|hour|day|week|month|quarter|year)$/;

export const duckdbDialect: Dialect = {
  ...baseDialect,
  name: 'duckdb',
  // Only a type the code asked for is written: DuckDB infers the rest from the bound value.
  placeholder(index, type) {
    return type ? `$${index}::${this.typeName(type)}` : `$${index}`;
  },
  timeBucket: (g, expr, tz, value) => {
    if (!GRANULARITY.test(g)) throw new Error(`unknown granularity ${g}`);
    // Timestamps are stored as UTC wall time; only a requested zone pays for a conversion.
    const local =
      tz === undefined ? expr : `timezone(${value({ kind: 'param', value: tz })}, timezone('UTC', ${expr}))`;
    return `date_trunc('${g}', ${local})`;
  },
  localToUtc: (expr, tz, value) =>
    `timezone('UTC', timezone(${value({ kind: 'param', value: tz })}, ${expr}))`,
  utcToLocal: (expr, tz, value) =>
    `timezone(${value({ kind: 'param', value: tz })}, timezone('UTC', ${expr}))`,
  countDistinct: (expr, approx, filter) => {
    const f = filter === undefined ? '' : ` FILTER (WHERE ${filter})`;
    return approx ? `approx_count_distinct(${expr})${f}` : `count(DISTINCT ${expr})${f}`;
  },
  aggregate: (name, args, distinct, filter) => {
    const call = `${name}(${distinct ? 'DISTINCT ' : ''}${args.length === 0 ? '*' : args.join(', ')})`;
    return filter === undefined ? call : `${call} FILTER (WHERE ${filter})`;
  },
  textMatch: (mode, expr, value) => {
    const fn = mode === 'contains' ? 'contains' : mode === 'starts_with' ? 'starts_with' : 'ends_with';
    return `${fn}(lower(${expr}), lower(${value}))`;
  },
  starExcept: (columns) => `* EXCLUDE (${columns.join(', ')})`,
  createTempTable: (name, query) => `CREATE TEMP TABLE ${name} AS ${query}`,
  functions: duckdbFunctions,
  supportsAggregateFilter: true,
  supportsQualify: true,
  supportsMaterializedCte: true,
};
