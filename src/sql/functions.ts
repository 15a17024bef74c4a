import type { CallNode, CastNode, ColumnRefNode, SqlNode, UtcToLocalNode } from './ast';
import { type FunctionName, TIME_UNITS, type TimeUnit } from './function-names';
import { parseLogicalType } from './types';

function call(fn: FunctionName, args: readonly SqlNode[], extra: Partial<CallNode> = {}): CallNode {
  return { kind: 'call', fn, args, ...extra };
}

function unitOf(unit: string, allowed: readonly string[] = TIME_UNITS): TimeUnit {
  if (!allowed.includes(unit)) throw new Error(`unknown time unit ${unit}`);
  return unit as TimeUnit;
}

const DIFF_UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

/** The function table's factories: `fn.dateDiff('day', a, b)` and so on. */
export const fn = {
  dateDiff: (unit: string, start: SqlNode, end: SqlNode) =>
    call('date_diff', [start, end], { unit: unitOf(unit, DIFF_UNITS) }),
  datePart: (unit: string, ts: SqlNode) => call('date_part', [ts], { unit: unitOf(unit) }),
  dateAdd: (unit: string, n: SqlNode, ts: SqlNode) =>
    call('date_add', [n, ts], { unit: unitOf(unit, DIFF_UNITS) }),
  epochSeconds: (ts: SqlNode) => call('epoch_seconds', [ts]),
  epochMicros: (ts: SqlNode) => call('epoch_micros', [ts]),
  fromEpochSeconds: (seconds: SqlNode) => call('from_epoch_seconds', [seconds]),
  argMax: (value: SqlNode, by: SqlNode, keepNull = false) =>
    call(keepNull ? 'arg_max_null' : 'arg_max', [value, by]),
  argMin: (value: SqlNode, by: SqlNode, keepNull = false) =>
    call(keepNull ? 'arg_min_null' : 'arg_min', [value, by]),
  quantile: (fraction: number, x: SqlNode, kind: 'cont' | 'disc' = 'cont') => {
    // The fraction is part of the function in ClickHouse (`quantile(0.5)(x)`), so it is text, not a parameter.
    if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1)
      throw new Error(`bad quantile ${fraction}`);
    return call(kind === 'cont' ? 'quantile_cont' : 'quantile_disc', [x], { fraction });
  },
  median: (x: SqlNode) => fn.quantile(0.5, x, 'cont'),
  array: (items: readonly SqlNode[]) => call('array', items),
  arrayAgg: (x: SqlNode) => call('array_agg', [x]),
  arrayLength: (a: SqlNode) => call('array_length', [a]),
  arrayElement: (a: SqlNode, index: SqlNode) => call('array_element', [a, index]),
  arrayContains: (a: SqlNode, x: SqlNode) => call('array_contains', [a, x]),
  unnest: (a: SqlNode) => call('unnest', [a]),
  series: (start: SqlNode, stop: SqlNode) => call('series', [start, stop]),
  timeSeries: (unit: string, start: SqlNode, stop: SqlNode) =>
    call('time_series', [start, stop], { unit: unitOf(unit, DIFF_UNITS) }),
  hash: (...xs: SqlNode[]) => call('hash', xs),
  bitAnd: (a: SqlNode, b: SqlNode) => call('bit_and', [a, b]),
  bitOr: (a: SqlNode, b: SqlNode) => call('bit_or', [a, b]),
  bitShiftLeft: (a: SqlNode, n: SqlNode) => call('bit_shift_left', [a, n]),
  bitShiftRight: (a: SqlNode, n: SqlNode) => call('bit_shift_right', [a, n]),
  greatest: (...xs: SqlNode[]) => call('greatest', xs),
  least: (...xs: SqlNode[]) => call('least', xs),
  stringAgg: (x: SqlNode, separator: SqlNode) => call('string_agg', [x, separator]),
  regexpReplaceAll: (text: SqlNode, pattern: SqlNode, replacement: SqlNode) =>
    call('regexp_replace_all', [text, pattern, replacement]),
  nullSafeEquals: (a: SqlNode, b: SqlNode) => call('null_safe_equals', [a, b]),
  now: () => call('now', []),
  asBoolean: (condition: SqlNode) => call('as_boolean', [condition]),
  stableHashHex: (text: SqlNode) => call('stable_hash_hex', [text]),
  splitText: (text: SqlNode, separator: SqlNode) => call('split_text', [text, separator]),
};

/** `CAST(expr AS type)` by logical type (`'timestamp'`, `'decimal(18,4)'`, `'text[]'`). */
export function cast(expr: SqlNode, type: string): CastNode {
  return { kind: 'cast', expr, type: parseLogicalType(type) };
}

/** A UTC timestamp as wall-clock time in `timezone` (the inverse of `local_to_utc`). */
export function utcToLocal(expr: SqlNode, timezone: string): UtcToLocalNode {
  return { kind: 'utc_to_local', expr, timezone };
}

/**
 * The i-th (1-based) column of the enclosing select, for GROUP BY: an ordinal where the engine
 * takes one, else the column's alias or expression.
 */
export function columnRef(index: number): ColumnRefNode {
  return { kind: 'column_ref', index };
}
