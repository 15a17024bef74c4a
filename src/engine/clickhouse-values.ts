/**
 * ClickHouse's JSON values (format JSONCompact, with 64-bit integers quoted) as rapport's JSON
 * values, the way duckdb-values.ts converts the same logical types: 64-bit and wider integers are
 * numbers where exactly representable, else decimal strings; decimals are numbers; timestamps
 * are ISO text to the millisecond without a zone (`2024-01-31T10:00:00.123`); dates `YYYY-MM-DD`.
 */

import type { JsonValue } from './types';

type Convert = (value: unknown) => JsonValue;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** Integers that ClickHouse quotes in JSON (`output_format_json_quote_64bit_integers`). */
const WIDE_INTEGERS = new Set(['Int64', 'UInt64', 'Int128', 'UInt128', 'Int256', 'UInt256']);

/** A quoted (or, from a server that ignores the setting, unquoted) wide integer. */
function safeInteger(value: unknown): JsonValue {
  if (typeof value === 'number') return value;
  const text = value as string;
  // Up to 15 digits is below 2^53: a number without the BigInt detour (most values).
  if (text.length <= 15) return Number(text);
  const b = BigInt(text);
  return b <= MAX_SAFE && b >= MIN_SAFE ? Number(b) : b.toString();
}

/** Decimals come as JSON numbers, or as strings where a server quotes them. */
function decimal(value: unknown): JsonValue {
  return typeof value === 'number' ? value : Number(value as string);
}

/**
 * `2024-01-31 10:00:00[.ffffff]` (DateTime, DateTime64; the session's zone is UTC, a column typed
 * with a zone prints its wall clock, like DuckDB's `timezone()`) as `2024-01-31T10:00:00.000`:
 * the fraction cut to milliseconds, as DuckDB's timestamps come out.
 */
function timestamp(value: unknown): JsonValue {
  const text = value as string;
  const fraction = text.length > 20 ? text.slice(20, 23) : '';
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction.padEnd(3, '0')}`;
}

function identity(value: unknown): JsonValue {
  return value as JsonValue;
}

/** The inside of `Name(...)` when `type` is that wrapper, else undefined. */
function unwrap(type: string, name: string): string | undefined {
  return type.startsWith(`${name}(`) && type.endsWith(')') ? type.slice(name.length + 1, -1) : undefined;
}

/** The converter for values of the ClickHouse type `type` (as the result's `meta` names it). */
export function converterFor(type: string): Convert {
  const inner = unwrap(type, 'Nullable') ?? unwrap(type, 'LowCardinality');
  if (inner !== undefined) {
    const convert = converterFor(inner);
    return (v) => (v === null ? null : convert(v));
  }
  const element = unwrap(type, 'Array');
  if (element !== undefined) {
    const convert = converterFor(element);
    return (v) => (v as unknown[]).map((x) => (x === null ? null : convert(x)));
  }
  if (WIDE_INTEGERS.has(type)) return safeInteger;
  if (type.startsWith('Decimal')) return decimal;
  if (type === 'DateTime' || type.startsWith('DateTime(') || type.startsWith('DateTime64')) return timestamp;
  // Date and Date32 print as YYYY-MM-DD already; Bool as true/false; strings, enums, UUIDs as
  // text; narrower integers and floats as numbers.
  return identity;
}

/** Converts JSONCompact rows (arrays in column order) to rapport's rows (objects by name). */
export function rowsFromCompact(
  meta: readonly { name: string; type: string }[],
  data: readonly (readonly unknown[])[],
): Record<string, JsonValue>[] {
  const converters = meta.map((m) => converterFor(m.type));
  return data.map((values) => {
    const row: Record<string, JsonValue> = {};
    for (let i = 0; i < meta.length; i++) {
      const v = values[i];
      row[meta[i]!.name] = v === null || v === undefined ? null : converters[i]!(v);
    }
    return row;
  });
}
