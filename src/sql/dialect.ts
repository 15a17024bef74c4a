import type { CallNode, SqlNode } from './ast';
import type { FunctionName } from './function-names';
import type { LogicalType, SqlValue } from './types';

/** How a dialect renders a child node (the renderer passes itself in). */
export type RenderChild = (node: SqlNode) => string;

/** Writes one function-table entry from its rendered arguments (the node gives unit and fraction). */
export type FunctionWriter = (args: readonly string[], node: CallNode, value: RenderChild) => string;

/** One writer per function-table name: a dialect that misses one does not compile. */
export type FunctionTable = { readonly [K in FunctionName]: FunctionWriter };

/**
 * A dialect writes SQL text for one engine and does nothing else: no I/O. Every flag and
 * function has a default in `baseDialect`, so a new dialect overrides only what differs. The
 * compiler branches on flags, never on `name`; `render` reads every flag.
 */
export interface Dialect {
  readonly name: string;
  /** Quotes one identifier part (also aliases, which may hold dots: `orders.count`). */
  quoteIdentifier(name: string): string;
  /**
   * The placeholder for the i-th (1-based) bound parameter. `type` is the logical type the code
   * gave, if any; `value` lets a dialect whose placeholders must be typed infer one.
   */
  placeholder(index: number, type: LogicalType | undefined, value: SqlValue): string;
  /** The engine's name for a logical type (in casts and typed placeholders). */
  typeName(type: LogicalType): string;
  cast(expr: string, type: LogicalType): string;
  /** `date_trunc` of a UTC timestamp, optionally seen in a time zone (the zone is a bound value). */
  timeBucket(
    granularity: string,
    expr: string,
    timezone: string | undefined,
    renderValue: RenderChild,
  ): string;
  /** A wall-clock timestamp in a zone, as the UTC timestamp the warehouse stores. */
  localToUtc(expr: string, timezone: string, renderValue: RenderChild): string;
  /** A UTC timestamp as wall-clock time in a zone (a timestamp without zone). */
  utcToLocal(expr: string, timezone: string, renderValue: RenderChild): string;
  countDistinct(expr: string, approx: boolean, filter: string | undefined): string;
  /**
   * An aggregate (or any function) call with its rendered arguments; `filter` restricts the rows
   * an aggregate sees (SQL's FILTER clause, a CASE inside, or ClickHouse's -If).
   */
  aggregate(name: string, args: readonly string[], distinct: boolean, filter: string | undefined): string;
  /** The text at `path` (object keys) inside the JSON `expr`; the keys are bound values. */
  jsonText(expr: string, path: readonly string[], renderValue: RenderChild): string;
  textMatch(mode: 'contains' | 'starts_with' | 'ends_with', expr: string, value: string): string;
  /** `SELECT *` but the named (quoted) columns. */
  starExcept(columns: readonly string[]): string;
  /** The statement creating a session-scoped table from a query. */
  createTempTable(quotedName: string, query: string): string;
  readonly functions: FunctionTable;
  /** Whether aggregates take `FILTER (WHERE …)`; otherwise `aggregate` writes its own form. */
  readonly supportsAggregateFilter: boolean;
  /** Whether GROUP BY GROUPING SETS is written as such; otherwise a UNION ALL of one GROUP BY per set. */
  readonly supportsGroupingSets: boolean;
  /** Whether QUALIFY is written as such; otherwise the select is wrapped and filtered outside. */
  readonly supportsQualify: boolean;
  /** Whether `IS NOT DISTINCT FROM` is available for null-safe joins (else `null_safe_equals` writes it). */
  readonly supportsNullSafeEquals: boolean;
  /** Whether GROUP BY takes ordinals (`GROUP BY 1, 2`); otherwise the column's alias or expression. */
  readonly supportsGroupByOrdinal: boolean;
  /** Whether `WITH x AS MATERIALIZED (…)` is written for CTEs that ask for it. */
  readonly supportsMaterializedCte: boolean;
  /**
   * Whether an alias may hold a dot. ClickHouse takes the alias `orders.count` for the column
   * `orders`.`count` wherever both could be meant, so there aliases carry `:` inside the query.
   */
  readonly supportsDottedAliases: boolean;
  /**
   * A SETTINGS clause a select with grouping sets needs, if any: ClickHouse fills a rolled-up
   * key with its type's default ('' or 0) unless told to use NULL, as SQL does.
   */
  readonly groupingSetsSettings?: string;
}

const TYPE_NAMES: Record<Exclude<LogicalType['base'], 'array' | 'decimal'>, string> = {
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  double: 'DOUBLE',
  bigint: 'BIGINT',
  integer: 'INTEGER',
  text: 'VARCHAR',
  boolean: 'BOOLEAN',
  interval: 'INTERVAL',
};

/** The SQL-standard spelling of a logical type (DuckDB's, with `T[]` arrays). */
export function standardTypeName(t: LogicalType): string {
  if (t.base === 'array') return `${standardTypeName(t.of)}[]`;
  if (t.base === 'decimal') return `DECIMAL(${t.precision},${t.scale})`;
  return TYPE_NAMES[t.base];
}

const notInBase =
  (name: string): FunctionWriter =>
  () => {
    throw new Error(`the ansi dialect has no ${name}; use an engine's dialect`);
  };

export const baseDialect: Dialect = {
  name: 'ansi',
  quoteIdentifier: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: () => '?',
  typeName: standardTypeName,
  cast(expr, type) {
    return `CAST(${expr} AS ${this.typeName(type)})`;
  },
  timeBucket: (g, expr) => `date_trunc('${g}', ${expr})`,
  localToUtc: (expr) => expr,
  utcToLocal: (expr) => expr,
  countDistinct: (expr, _approx, filter) =>
    filter === undefined ? `count(DISTINCT ${expr})` : `count(DISTINCT CASE WHEN ${filter} THEN ${expr} END)`,
  aggregate: (name, args, distinct, filter) => {
    const d = distinct ? 'DISTINCT ' : '';
    if (filter === undefined) return `${name}(${d}${args.length === 0 ? '*' : args.join(', ')})`;
    // `count(*)` keeps only the rows that pass: count a constant where the filter holds.
    if (args.length === 0) return `${name}(CASE WHEN ${filter} THEN 1 END)`;
    return `${name}(${d}CASE WHEN ${filter} THEN ${args.join(', ')} END)`;
  },
  // JSONPath with every key quoted, so a key may hold `$`, `.` or spaces (PostHog's `$browser`).
  jsonText: (expr, path, value) =>
    `json_extract_string(${expr}, ${value({ kind: 'param', value: jsonPath(path) })})`,
  textMatch: (mode, expr, value) => {
    const pattern =
      mode === 'contains'
        ? `'%' || lower(${value}) || '%'`
        : mode === 'starts_with'
          ? `lower(${value}) || '%'`
          : `'%' || lower(${value})`;
    return `lower(${expr}) LIKE ${pattern}`;
  },
  starExcept: (columns) => `* EXCEPT (${columns.join(', ')})`,
  createTempTable: (name, query) => `CREATE TEMPORARY TABLE ${name} AS ${query}`,
  functions: {
    date_diff: notInBase('date_diff'),
    date_part: (a, n) => `EXTRACT(${n.unit} FROM ${a[0]})`,
    date_add: notInBase('date_add'),
    epoch_seconds: notInBase('epoch_seconds'),
    epoch_micros: notInBase('epoch_micros'),
    from_epoch_seconds: notInBase('from_epoch_seconds'),
    arg_max: notInBase('arg_max'),
    arg_min: notInBase('arg_min'),
    arg_max_null: notInBase('arg_max_null'),
    arg_min_null: notInBase('arg_min_null'),
    quantile_cont: (a, n) => `percentile_cont(${n.fraction}) WITHIN GROUP (ORDER BY ${a[0]})`,
    quantile_disc: (a, n) => `percentile_disc(${n.fraction}) WITHIN GROUP (ORDER BY ${a[0]})`,
    array: (a) => `ARRAY[${a.join(', ')}]`,
    array_agg: (a) => `array_agg(${a[0]})`,
    array_length: (a) => `cardinality(${a[0]})`,
    array_element: (a) => `${a[0]}[${a[1]}]`,
    array_contains: notInBase('array_contains'),
    unnest: (a) => `unnest(${a[0]})`,
    series: notInBase('series'),
    time_series: notInBase('time_series'),
    hash: notInBase('hash'),
    // PostgreSQL's integer AND operator.
    bit_and: ([a, b]) => `(${a} & ${b})`,
    bit_or: ([a, b]) => `(${a} | ${b})`,
    bit_shift_left: ([a, n]) => `(${a} << ${n})`,
    bit_shift_right: ([a, n]) => `(${a} >> ${n})`,
    greatest: (a) => `greatest(${a.join(', ')})`,
    least: (a) => `least(${a.join(', ')})`,
    string_agg: (a) => `string_agg(${a[0]}, ${a[1]})`,
    regexp_replace_all: notInBase('regexp_replace_all'),
    // Without IS NOT DISTINCT FROM (render writes that where the flag says it exists).
    null_safe_equals: ([a, b]) => `(${a} = ${b} OR (${a} IS NULL AND ${b} IS NULL))`,
    now: () => 'current_timestamp',
    as_boolean: ([a]) => a!,
    stable_hash_hex: notInBase('stable_hash_hex'),
    split_text: notInBase('split_text'),
  },
  supportsAggregateFilter: false,
  supportsGroupingSets: true,
  supportsQualify: false,
  supportsNullSafeEquals: true,
  supportsGroupByOrdinal: true,
  supportsMaterializedCte: false,
  supportsDottedAliases: true,
};

/** `$."a"."b"`: a JSONPath of object keys, each quoted (`"` and `\\` escaped). */
export function jsonPath(keys: readonly string[]): string {
  return `$${keys.map((k) => `."${k.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join('')}`;
}
