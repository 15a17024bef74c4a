import {
  arrayFromArrayValue,
  arrayFromListValue,
  booleanFromValue,
  createDuckDBValueConverter,
  type DuckDBDateValue,
  type DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBValueConverter,
  doubleFromDecimalValue,
  jsonNumberFromValue,
  jsonObjectFromIntervalValue,
  nullConverter,
  numberFromValue,
  objectArrayFromMapValue,
  objectFromStructValue,
  objectFromUnionValue,
  stringFromValue,
  unsupportedConverter,
} from '@duckdb/node-api';
import type { JsonValue } from './types';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** 64-bit integers become numbers when exactly representable, else decimal strings. */
function safeInteger(value: unknown): number | string {
  const b = value as bigint;
  return b <= MAX_SAFE && b >= MIN_SAFE ? Number(b) : b.toString();
}

function isoFromMicros(micros: bigint, zone: '' | 'Z'): string {
  const ms = Number(micros / 1000n);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return micros > 0n ? 'infinity' : '-infinity';
  return new Date(ms).toISOString().replace('Z', zone);
}

function timestampIso(value: unknown): string {
  return isoFromMicros((value as DuckDBTimestampValue).micros, '');
}

function timestampTzIso(value: unknown): string {
  return isoFromMicros((value as DuckDBTimestampTZValue).micros, 'Z');
}

function dateIso(value: unknown): string {
  const days = (value as DuckDBDateValue).days;
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Converts DuckDB values to JSON: numbers stay numbers (DECIMAL as double), 64-bit integers are
 * numbers where safe, timestamps are ISO strings (`2024-01-31T10:00:00.000`, as Cube returns).
 */
export const jsonValueConverter: DuckDBValueConverter<JsonValue> = createDuckDBValueConverter<JsonValue>({
  [DuckDBTypeId.INVALID]: unsupportedConverter,
  [DuckDBTypeId.BOOLEAN]: booleanFromValue,
  [DuckDBTypeId.TINYINT]: numberFromValue,
  [DuckDBTypeId.SMALLINT]: numberFromValue,
  [DuckDBTypeId.INTEGER]: numberFromValue,
  [DuckDBTypeId.BIGINT]: safeInteger,
  [DuckDBTypeId.UTINYINT]: numberFromValue,
  [DuckDBTypeId.USMALLINT]: numberFromValue,
  [DuckDBTypeId.UINTEGER]: numberFromValue,
  [DuckDBTypeId.UBIGINT]: safeInteger,
  [DuckDBTypeId.FLOAT]: jsonNumberFromValue,
  [DuckDBTypeId.DOUBLE]: jsonNumberFromValue,
  [DuckDBTypeId.TIMESTAMP]: timestampIso,
  [DuckDBTypeId.DATE]: dateIso,
  [DuckDBTypeId.TIME]: stringFromValue,
  [DuckDBTypeId.INTERVAL]: jsonObjectFromIntervalValue,
  [DuckDBTypeId.HUGEINT]: safeInteger,
  [DuckDBTypeId.UHUGEINT]: safeInteger,
  [DuckDBTypeId.VARCHAR]: stringFromValue,
  [DuckDBTypeId.BLOB]: stringFromValue,
  [DuckDBTypeId.DECIMAL]: doubleFromDecimalValue,
  [DuckDBTypeId.TIMESTAMP_S]: stringFromValue,
  [DuckDBTypeId.TIMESTAMP_MS]: stringFromValue,
  [DuckDBTypeId.TIMESTAMP_NS]: stringFromValue,
  [DuckDBTypeId.ENUM]: stringFromValue,
  [DuckDBTypeId.LIST]: arrayFromListValue,
  [DuckDBTypeId.STRUCT]: objectFromStructValue,
  [DuckDBTypeId.MAP]: objectArrayFromMapValue,
  [DuckDBTypeId.ARRAY]: arrayFromArrayValue,
  [DuckDBTypeId.UUID]: stringFromValue,
  [DuckDBTypeId.UNION]: objectFromUnionValue,
  [DuckDBTypeId.BIT]: stringFromValue,
  [DuckDBTypeId.TIME_TZ]: stringFromValue,
  [DuckDBTypeId.TIMESTAMP_TZ]: timestampTzIso,
  [DuckDBTypeId.ANY]: unsupportedConverter,
  [DuckDBTypeId.BIGNUM]: stringFromValue,
  [DuckDBTypeId.SQLNULL]: nullConverter,
  [DuckDBTypeId.STRING_LITERAL]: unsupportedConverter,
  [DuckDBTypeId.INTEGER_LITERAL]: unsupportedConverter,
  [DuckDBTypeId.TIME_NS]: stringFromValue,
  [DuckDBTypeId.GEOMETRY]: stringFromValue,
  [DuckDBTypeId.VARIANT]: stringFromValue,
} as Record<DuckDBTypeId, DuckDBValueConverter<JsonValue>>);
