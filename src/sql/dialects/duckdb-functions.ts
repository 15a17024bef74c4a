import type { FunctionTable } from '../dialect';
import type { TimeUnit } from '../function-names';

/** date_part names of the function table's units (`dow` is ISO: Monday 1 … Sunday 7). */
const PART: Record<TimeUnit, string> = {
  second: 'second',
  minute: 'minute',
  hour: 'hour',
  day: 'day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
  dow: 'isodow',
  doy: 'doy',
};

const unit = (u: TimeUnit | undefined) => {
  if (u === undefined) throw new Error('a date function without its unit');
  return PART[u];
};

/** The function table in DuckDB. */
export const duckdbFunctions: FunctionTable = {
  date_diff: ([a, b], n) => `date_diff('${unit(n.unit)}', ${a}, ${b})`,
  date_part: ([a], n) => `date_part('${unit(n.unit)}', ${a})`,
  date_add: ([k, ts], n) => `(${ts} + INTERVAL (${k}) ${unit(n.unit).toUpperCase()})`,
  // epoch() is seconds (double) since 1970 of the wall time, as the warehouse's UTC is.
  epoch_seconds: ([a]) => `epoch(${a})`,
  epoch_micros: ([a]) => `epoch_us(${a})`,
  from_epoch_seconds: ([a]) => `make_timestamp(CAST(round(${a} * 1000000) AS BIGINT))`,
  arg_max: ([v, by]) => `arg_max(${v}, ${by})`,
  arg_min: ([v, by]) => `arg_min(${v}, ${by})`,
  arg_max_null: ([v, by]) => `arg_max_null(${v}, ${by})`,
  arg_min_null: ([v, by]) => `arg_min_null(${v}, ${by})`,
  quantile_cont: ([x], n) => `quantile_cont(${x}, ${n.fraction})`,
  quantile_disc: ([x], n) => `quantile_disc(${x}, ${n.fraction})`,
  array: (items) => `list_value(${items.join(', ')})`,
  // Nulls left out and an empty group an empty list, as ClickHouse's groupArray does.
  array_agg: ([x]) => `coalesce(list(${x}) FILTER (WHERE ${x} IS NOT NULL), [])`,
  array_length: ([a]) => `len(${a})`,
  array_element: ([a, i]) => `list_extract(${a}, ${i})`,
  array_contains: ([a, x]) => `list_contains(${a}, ${x})`,
  unnest: ([a]) => `unnest(${a})`,
  series: ([a, b]) => `unnest(generate_series(${a}, ${b}))`,
  // start + i units (not repeated steps, which would stick at the 28th after February).
  time_series: ([a, b], n) => {
    const u = unit(n.unit);
    return `unnest(list_transform(range(0, date_diff('${u}', ${a}, ${b}) + 1), i -> ${a} + INTERVAL (i) ${u.toUpperCase()}))`;
  },
  hash: (xs) => `hash(${xs.join(', ')})`,
  bit_and: ([a, b]) => `(${a} & ${b})`,
  bit_or: ([a, b]) => `(${a} | ${b})`,
  bit_shift_left: ([a, n]) => `(${a} << ${n})`,
  bit_shift_right: ([a, n]) => `(${a} >> ${n})`,
  greatest: (xs) => `greatest(${xs.join(', ')})`,
  least: (xs) => `least(${xs.join(', ')})`,
  string_agg: ([x, sep]) => `string_agg(${x}, ${sep})`,
  // Without 'g' DuckDB replaces the first match only.
  regexp_replace_all: ([s, p, r]) => `regexp_replace(${s}, ${p}, ${r}, 'g')`,
  null_safe_equals: ([a, b]) => `${a} IS NOT DISTINCT FROM ${b}`,
  now: () => 'current_timestamp',
  // A condition is a BOOLEAN already.
  as_boolean: ([a]) => a!,
  stable_hash_hex: ([a]) => `md5(${a})`,
  split_text: ([s, sep]) => `string_split(${s}, ${sep})`,
};
