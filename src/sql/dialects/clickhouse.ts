import { baseDialect, type Dialect, type RenderChild } from '../dialect';
import { inferLogicalType, type LogicalType } from '../types';
import { clickhouseFunctions } from './clickhouse-functions';

const GRANULARITY = /^(second|minute|hour|day|week|month|quarter|year)$/;

const TYPE_NAMES: Record<Exclude<LogicalType['base'], 'array' | 'decimal' | 'interval'>, string> = {
  timestamp: 'DateTime64(6)',
  // Date32 reaches back to 1900 (birth dates); Date stops at 1970.
  date: 'Date32',
  double: 'Float64',
  bigint: 'Int64',
  integer: 'Int32',
  text: 'String',
  boolean: 'Bool',
};

function typeName(t: LogicalType): string {
  if (t.base === 'array') return `Array(${typeName(t.of)})`;
  if (t.base === 'decimal') return `Decimal(${t.precision}, ${t.scale})`;
  if (t.base === 'interval') throw new Error('ClickHouse binds no intervals: use date_add with a number');
  return TYPE_NAMES[t.base];
}

/** A UTC timestamp as an instant in zone `tz` (a bound value). */
const inZone = (expr: string, tz: string, value: RenderChild) =>
  `toTimeZone(toDateTime64(${expr}, 6, 'UTC'), ${value({ kind: 'param', value: tz })})`;

/**
 * A zoned instant's wall time as a timestamp without zone: the instant plus the zone's offset
 * at it. No text per row, as this runs over every row of a fact. (`zoned` is written twice.)
 */
const wallTime = (zoned: () => string) =>
  `addSeconds(toDateTime64(${zoned()}, 6, 'UTC'), timeZoneOffset(${zoned()}))`;

/** The aggregates that give NULL over no rows in DuckDB but 0 (or nan) in ClickHouse unless -OrNull. */
const OR_NULL = new Set(['sum', 'avg', 'min', 'max']);

/**
 * ClickHouse (26.x, the new analyzer; the session runs in UTC). Parameters are named and typed
 * (`{p1:DateTime64(6)}`; the engine binds params[i] as `p${i + 1}`), identifiers take backticks,
 * aggregate filters become -If combinators, and aliases keep their dots only at the very end
 * (see `supportsDottedAliases`).
 */
export const clickhouseDialect: Dialect = {
  ...baseDialect,
  name: 'clickhouse',
  quoteIdentifier: (name) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``,
  placeholder: (index, type, value) => {
    const t = type ?? inferLogicalType(value);
    if (t === undefined) return `{p${index}:Nullable(String)}`;
    if (value === null && t.base !== 'array') return `{p${index}:Nullable(${typeName(t)})}`;
    if (t.base === 'array' && Array.isArray(value) && value.includes(null))
      return `{p${index}:Array(Nullable(${typeName(t.of)}))}`;
    return `{p${index}:${typeName(t)}}`;
  },
  typeName,
  // Nullable, so a NULL casts to NULL as in DuckDB (ClickHouse refuses NULL for a plain type).
  cast: (expr, type) =>
    `CAST(${expr} AS ${type.base === 'array' ? typeName(type) : `Nullable(${typeName(type)})`})`,
  timeBucket: (g, expr, tz, value) => {
    if (!GRANULARITY.test(g)) throw new Error(`unknown granularity ${g}`);
    // dateTrunc gives a Date32 from a week up, a timestamp below: a timestamp either way.
    if (tz === undefined) return `toDateTime64(dateTrunc('${g}', ${expr}), 6, 'UTC')`;
    // In a zone: the bucket's start as an instant there (a local date at the zone's midnight).
    const tzParam = () => value({ kind: 'param', value: tz });
    return wallTime(() => `toDateTime64(dateTrunc('${g}', ${inZone(expr, tz, value)}), 6, ${tzParam()})`);
  },
  localToUtc: (expr, tz, value) =>
    `toTimeZone(toDateTime64(toString(${expr}), 6, ${value({ kind: 'param', value: tz })}), 'UTC')`,
  utcToLocal: (expr, tz, value) => wallTime(() => inZone(expr, tz, value)),
  countDistinct: (expr, approx, filter) => {
    const fn = approx ? 'uniq' : 'uniqExact';
    return filter === undefined ? `${fn}(${expr})` : `${fn}If(${expr}, ${filter})`;
  },
  aggregate: (name, args, distinct, filter) => {
    if (distinct) return baseDialect.aggregate(name, args, distinct, filter);
    if (name === 'count')
      return filter === undefined ? `count(${args.join(', ')})` : `countIf(${[...args, filter].join(', ')})`;
    if (OR_NULL.has(name))
      return filter === undefined
        ? `${name}OrNull(${args.join(', ')})`
        : `${name}IfOrNull(${[...args, filter].join(', ')})`;
    return baseDialect.aggregate(name, args, distinct, filter);
  },
  // A string stays text, another scalar its JSON text, JSON null or a missing key NULL (DuckDB's json_extract_string).
  jsonText: (expr, path, value) => {
    const keys = () => path.map((k) => value({ kind: 'param', value: k })).join(', ');
    return `multiIf(JSONType(${expr}, ${keys()}) = 'Null', NULL, JSONType(${expr}, ${keys()}) = 'String', JSONExtractString(${expr}, ${keys()}), JSONExtractRaw(${expr}, ${keys()}))`;
  },
  textMatch: (mode, expr, value) =>
    mode === 'contains'
      ? `positionCaseInsensitiveUTF8(${expr}, ${value}) > 0`
      : `${mode === 'starts_with' ? 'startsWith' : 'endsWith'}(lowerUTF8(${expr}), lowerUTF8(${value}))`,
  starExcept: (columns) => `* EXCEPT (${columns.join(', ')})`,
  createTempTable: (name, query) => `CREATE TEMPORARY TABLE ${name} ENGINE = Memory AS ${query}`,
  functions: clickhouseFunctions,
  supportsAggregateFilter: false,
  supportsGroupingSets: true,
  supportsQualify: true,
  supportsNullSafeEquals: false,
  supportsGroupByOrdinal: false,
  supportsMaterializedCte: false,
  supportsDottedAliases: false,
  groupingSetsSettings: 'group_by_use_nulls = 1',
};
