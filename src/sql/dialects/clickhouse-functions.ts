import type { FunctionTable } from '../dialect';
import type { TimeUnit } from '../function-names';

type DiffUnit = Exclude<TimeUnit, 'dow' | 'doy'>;

const PART: Record<TimeUnit, string> = {
  second: 'toSecond',
  minute: 'toMinute',
  hour: 'toHour',
  day: 'toDayOfMonth',
  week: 'toISOWeek',
  month: 'toMonth',
  quarter: 'toQuarter',
  year: 'toYear',
  // Monday 1 … Sunday 7, as DuckDB's isodow.
  dow: 'toDayOfWeek',
  doy: 'toDayOfYear',
};

const ADD: Record<DiffUnit, string> = {
  second: 'addSeconds',
  minute: 'addMinutes',
  hour: 'addHours',
  day: 'addDays',
  week: 'addWeeks',
  month: 'addMonths',
  quarter: 'addQuarters',
  year: 'addYears',
};

function unit<T extends string>(u: TimeUnit | undefined, table: Record<T, string>): string {
  if (u === undefined || !(u in table)) throw new Error(`no date function for unit ${u}`);
  return table[u as T];
}

/** Boundaries crossed, as DuckDB counts them; a week is whole seven-day spans (DuckDB's count). */
function dateDiff(u: TimeUnit | undefined, a: string, b: string): string {
  if (u === 'week') return `intDiv(dateDiff('day', ${a}, ${b}), 7)`;
  unit(u, ADD);
  return `dateDiff('${u}', ${a}, ${b})`;
}

/** The function table in ClickHouse, answering as DuckDB's does (see the unit tests). */
export const clickhouseFunctions: FunctionTable = {
  date_diff: ([a, b], n) => dateDiff(n.unit, a!, b!),
  date_part: ([a], n) => `toInt64(${unit(n.unit, PART)}(${a}))`,
  date_add: ([k, ts], n) => `${unit(n.unit, ADD)}(${ts}, ${k})`,
  epoch_seconds: ([a]) => `(toUnixTimestamp64Micro(toDateTime64(${a}, 6, 'UTC')) / 1000000)`,
  epoch_micros: ([a]) => `toUnixTimestamp64Micro(toDateTime64(${a}, 6, 'UTC'))`,
  from_epoch_seconds: ([a]) => `fromUnixTimestamp64Micro(toInt64(round(${a} * 1000000)), 'UTC')`,
  // argMax skips rows where either argument is null, as DuckDB's arg_max does.
  arg_max: ([v, by]) => `argMax(${v}, ${by})`,
  arg_min: ([v, by]) => `argMin(${v}, ${by})`,
  // A tuple is never null, so the row's null value is kept.
  arg_max_null: ([v, by]) => `argMax(tuple(${v}), ${by}).1`,
  arg_min_null: ([v, by]) => `argMin(tuple(${v}), ${by}).1`,
  // Linear interpolation between the closest ranks: DuckDB's quantile_cont.
  quantile_cont: ([x], n) => `quantileExactInclusive(${n.fraction})(${x})`,
  // The first value whose rank reaches fraction × count, as DuckDB's quantile_disc (and SQL's percentile_disc).
  quantile_disc: ([x], n) =>
    `arrayElementOrNull(arraySort(groupArray(${x})), toUInt64(greatest(ceil(count(${x}) * ${n.fraction}), 1)))`,
  array: (items) => `array(${items.join(', ')})`,
  array_agg: ([x]) => `groupArray(${x})`,
  array_length: ([a]) => `toInt64(length(${a}))`,
  array_element: ([a, i]) => `arrayElementOrNull(${a}, ${i})`,
  array_contains: ([a, x]) => `toBool(has(${a}, ${x}))`,
  unnest: ([a]) => `arrayJoin(${a})`,
  series: ([a, b]) => `arrayJoin(range(${a}, ${b} + 1))`,
  time_series: ([a, b], n) =>
    `arrayJoin(arrayMap(i -> ${unit(n.unit, ADD)}(${a}, i), range(0, ${dateDiff(n.unit, a!, b!)} + 1)))`,
  hash: (xs) => `cityHash64(${xs.join(', ')})`,
  bit_and: ([a, b]) => `bitAnd(${a}, ${b})`,
  bit_or: ([a, b]) => `bitOr(${a}, ${b})`,
  bit_shift_left: ([a, n]) => `bitShiftLeft(${a}, ${n})`,
  bit_shift_right: ([a, n]) => `bitShiftRight(${a}, ${n})`,
  greatest: (xs) => `greatest(${xs.join(', ')})`,
  least: (xs) => `least(${xs.join(', ')})`,
  string_agg: ([x, sep]) => `if(count(${x}) = 0, NULL, arrayStringConcat(groupArray(${x}), ${sep}))`,
  regexp_replace_all: ([s, p, r]) => `replaceRegexpAll(${s}, ${p}, ${r})`,
  null_safe_equals: ([a, b]) => `isNotDistinctFrom(${a}, ${b})`,
  now: () => `now64(6, 'UTC')`,
  as_boolean: ([a]) => `toBool(${a})`,
  // MD5 gives the 16 bytes; as DuckDB's md5, their lowercase hex.
  stable_hash_hex: ([a]) => `lower(hex(MD5(${a})))`,
  split_text: ([s, sep]) => `splitByString(${sep}, ${s})`,
};
