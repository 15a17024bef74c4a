/**
 * Arrow columns built from DuckDB's vectors, one builder per result column.
 *
 * Type mapping (DuckDB → Arrow): BOOLEAN → Bool; TINYINT/SMALLINT/INTEGER/BIGINT → Int8/16/32/64;
 * UTINYINT/USMALLINT/UINTEGER/UBIGINT → Uint8/16/32/64; HUGEINT/UHUGEINT → Float64; FLOAT →
 * Float32; DOUBLE → Float64; DECIMAL(p,s) → Float64 (the double DuckDB itself casts to, so the
 * numbers agree with the JSON API; exact decimals would need Arrow Decimal, which few readers
 * handle); VARCHAR → Utf8; DATE → DateDay; TIMESTAMP → Timestamp(µs); TIMESTAMP WITH TIME ZONE →
 * Timestamp(µs, 'UTC'); TIMESTAMP_S/_MS/_NS → Timestamp(s/ms/ns); LIST(T) → List(T mapped);
 * anything else → Utf8 holding the value's string form as @duckdb/node-api prints it (the same
 * as DuckDB's `CAST(x AS VARCHAR)` except for STRUCT and MAP, whose strings quote differently).
 */

import { type DuckDBDecimalType, type DuckDBType, DuckDBTypeId, type DuckDBValue } from '@duckdb/node-api';
import {
  DateDay,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  Timestamp,
  TimeUnit,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
} from 'apache-arrow';

import {
  BoolBuilder,
  type Builder,
  FixedBuilder,
  ListBuilder,
  type Raw,
  Utf8Builder,
} from './arrow-builders';

// ---------------------------------------------------------------------------------------------
// Conversions

const TWO_32 = 2 ** 32;

/** The 128-bit integer at `offset` when it fits in 53 bits, else undefined. */
function smallInt128(view: DataView, offset: number): number | undefined {
  const w1 = view.getUint32(offset + 4, true);
  const upper0 = view.getUint32(offset + 8, true);
  const upper1 = view.getUint32(offset + 12, true);
  if (upper0 === 0 && upper1 === 0 && w1 < 0x200000) return w1 * TWO_32 + view.getUint32(offset, true);
  if (upper0 === 0xffffffff && upper1 === 0xffffffff && w1 >= 0xffe00000) {
    return (w1 - TWO_32) * TWO_32 + view.getUint32(offset, true);
  }
  return undefined;
}

function int128(view: DataView, offset: number): bigint {
  return (view.getBigInt64(offset + 8, true) << 64n) | view.getBigUint64(offset, true);
}

/** Powers of ten as DuckDB's table has them (the literal, not `10 ** n`, which may differ). */
const POW10 = Array.from({ length: 40 }, (_, n) => Number(`1e${n}`));

/**
 * A DECIMAL's unscaled integer as the double DuckDB casts it to: exact integers are divided
 * by 10^scale, larger ones split into integer and fraction first.
 */
function decimalToDouble(unscaled: bigint, scale: number): number {
  const abs = unscaled < 0n ? -unscaled : unscaled;
  if (abs <= 9007199254740992n || scale === 0) return Number(unscaled) / POW10[scale]!;
  const power = 10n ** BigInt(scale);
  return Number(unscaled / power) + Number(unscaled % power) / POW10[scale]!;
}

function decimalCopy(width: number, scale: number) {
  const divisor = POW10[scale]!;
  return (raw: Raw, start: number, count: number, out: Float64Array, at: number): void => {
    const view = raw.view;
    for (let i = start, end = start + count; i < end; i++, at++) {
      const o = i * width;
      if (width === 2) out[at] = view.getInt16(o, true) / divisor;
      else if (width === 4) out[at] = view.getInt32(o, true) / divisor;
      else if (width === 8) {
        const hi = view.getInt32(o + 4, true);
        // |value| < 2^53: exact as a double, divided like DuckDB does.
        out[at] =
          hi >= -0x200000 && hi < 0x200000
            ? (hi * TWO_32 + view.getUint32(o, true)) / divisor
            : decimalToDouble(view.getBigInt64(o, true), scale);
      } else {
        const small = smallInt128(view, o);
        out[at] = small !== undefined ? small / divisor : decimalToDouble(int128(view, o), scale);
      }
    }
  };
}

function hugeintCopy(unsigned: boolean) {
  return (raw: Raw, start: number, count: number, out: Float64Array, at: number): void => {
    const view = raw.view;
    for (let i = start, end = start + count; i < end; i++, at++) {
      const o = i * 16;
      const small = unsigned ? undefined : smallInt128(view, o);
      if (small !== undefined) out[at] = small;
      else if (unsigned)
        out[at] = Number((view.getBigUint64(o + 8, true) << 64n) | view.getBigUint64(o, true));
      else out[at] = Number(int128(view, o));
    }
  };
}

const asNumber = (v: DuckDBValue): number => Number(v);
const asBigInt = (v: DuckDBValue): bigint => v as bigint;
const asMicros = (v: DuckDBValue): bigint => (v as { micros: bigint }).micros;
const asDays = (v: DuckDBValue): number => (v as { days: number }).days;
const asDouble = (v: DuckDBValue): number => (v as { toDouble(): number }).toDouble();

function timestampBuilder(
  unit: TimeUnit,
  zone: string | null,
  field: 'micros' | 'millis' | 'seconds' | 'nanos',
) {
  return new FixedBuilder(
    new Timestamp(unit, zone),
    BigInt64Array,
    8,
    null,
    (v) => (v as unknown as Record<string, bigint>)[field]!,
  );
}

/** The builder for a DuckDB column type: see the mapping at the top of this file. */
export function builderFor(type: DuckDBType): Builder {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new BoolBuilder();
    case DuckDBTypeId.TINYINT:
      return new FixedBuilder(new Int8(), Int8Array, 1, null, asNumber);
    case DuckDBTypeId.SMALLINT:
      return new FixedBuilder(new Int16(), Int16Array, 2, null, asNumber);
    case DuckDBTypeId.INTEGER:
      return new FixedBuilder(new Int32(), Int32Array, 4, null, asNumber);
    case DuckDBTypeId.BIGINT:
      return new FixedBuilder(new Int64(), BigInt64Array, 8, null, asBigInt);
    case DuckDBTypeId.UTINYINT:
      return new FixedBuilder(new Uint8(), Uint8Array, 1, null, asNumber);
    case DuckDBTypeId.USMALLINT:
      return new FixedBuilder(new Uint16(), Uint16Array, 2, null, asNumber);
    case DuckDBTypeId.UINTEGER:
      return new FixedBuilder(new Uint32(), Uint32Array, 4, null, asNumber);
    case DuckDBTypeId.UBIGINT:
      return new FixedBuilder(new Uint64(), BigUint64Array, 8, null, asBigInt);
    case DuckDBTypeId.HUGEINT:
      return new FixedBuilder(new Float64(), Float64Array, 16, hugeintCopy(false), asNumber);
    case DuckDBTypeId.UHUGEINT:
      return new FixedBuilder(new Float64(), Float64Array, 16, hugeintCopy(true), asNumber);
    case DuckDBTypeId.FLOAT:
      return new FixedBuilder(new Float32(), Float32Array, 4, null, asNumber);
    case DuckDBTypeId.DOUBLE:
      return new FixedBuilder(new Float64(), Float64Array, 8, null, asNumber);
    case DuckDBTypeId.DECIMAL: {
      const { width, scale } = type as DuckDBDecimalType;
      const bytes = width <= 4 ? 2 : width <= 9 ? 4 : width <= 18 ? 8 : 16;
      return new FixedBuilder(new Float64(), Float64Array, bytes, decimalCopy(bytes, scale), asDouble);
    }
    case DuckDBTypeId.DATE:
      return new FixedBuilder(new DateDay(), Int32Array, 4, null, asDays);
    case DuckDBTypeId.TIMESTAMP:
      return new FixedBuilder(new Timestamp(TimeUnit.MICROSECOND), BigInt64Array, 8, null, asMicros);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new FixedBuilder(new Timestamp(TimeUnit.MICROSECOND, 'UTC'), BigInt64Array, 8, null, asMicros);
    case DuckDBTypeId.TIMESTAMP_S:
      return timestampBuilder(TimeUnit.SECOND, null, 'seconds');
    case DuckDBTypeId.TIMESTAMP_MS:
      return timestampBuilder(TimeUnit.MILLISECOND, null, 'millis');
    case DuckDBTypeId.TIMESTAMP_NS:
      return timestampBuilder(TimeUnit.NANOSECOND, null, 'nanos');
    case DuckDBTypeId.VARCHAR:
      return new Utf8Builder(true);
    case DuckDBTypeId.LIST:
      return new ListBuilder(builderFor(type.valueType));
    default:
      return new Utf8Builder(false);
  }
}
