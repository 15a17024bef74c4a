import { AppError } from '../errors';

/**
 * What a ClickHouse server's version allows. Debian's 18.16 has neither DateTime64 (20.1),
 * Date32 (21.9) nor Bool (21.12); chdb and current servers have all three.
 */
export interface Capabilities {
  readonly dateTime64: boolean;
  readonly date32: boolean;
  readonly bool: boolean;
}

export function capabilitiesOf(version: string): Capabilities {
  const [major = 0, minor = 0] = version.split('.').map((p) => Number.parseInt(p, 10));
  const atLeast = (ma: number, mi: number) => major > ma || (major === ma && minor >= mi);
  return { dateTime64: atLeast(20, 1), date32: atLeast(21, 9), bool: atLeast(21, 12) };
}

/** How a column's sum is compared between the engines (reconciliation). */
export type SumKind = 'integer' | 'decimal' | 'float';

/**
 * A DuckDB column as ClickHouse stores it: the ClickHouse type, how DuckDB must write the value
 * so that ClickHouse reads it (`export`), and whether and how its sum is reconciled.
 */
export interface MappedColumn {
  readonly name: string;
  readonly duckType: string;
  readonly nullable: boolean;
  readonly clickhouseType: string;
  readonly export: ExportRule;
  readonly sum?: SumKind;
}

/**
 * What DuckDB does to a value before writing it out: `clamp` keeps a timestamp or date inside
 * the range of the ClickHouse type (sentinels such as 9999-12-31, "open end" of an SCD2
 * version, would otherwise wrap around), `seconds` drops sub-second digits that DateTime
 * cannot parse, `integer` writes a boolean as 0/1, `text` writes JSON as its text.
 */
export type ExportRule =
  | { readonly kind: 'as-is' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'text' }
  | { readonly kind: 'clamp'; readonly min: string; readonly max: string; readonly seconds: boolean };

const INTEGERS: Readonly<Record<string, string>> = {
  TINYINT: 'Int8',
  SMALLINT: 'Int16',
  INTEGER: 'Int32',
  BIGINT: 'Int64',
  UTINYINT: 'UInt8',
  USMALLINT: 'UInt16',
  UINTEGER: 'UInt32',
  UBIGINT: 'UInt64',
};

// The ranges ClickHouse can hold (DateTime64: 1900-01-01 .. 2299-12-31; DateTime and Date: from
// 1970, DateTime to 2106-02-07 06:28:15, Date to 2149-06-06, kept to 2105 for old servers).
const DATETIME64_RANGE = { min: '1900-01-01 00:00:00', max: '2299-12-31 23:59:59.999999' };
const DATETIME_RANGE = { min: '1970-01-01 00:00:00', max: '2106-02-07 06:28:15' };
const DATE32_RANGE = { min: '1900-01-01', max: '2299-12-31' };
const DATE_RANGE = { min: '1970-01-01', max: '2105-12-31' };

/** Maps one DuckDB column (its `data_type` as `duckdb_columns()` spells it) onto ClickHouse. */
export function mapColumn(
  table: string,
  column: { name: string; type: string; nullable: boolean },
  caps: Capabilities,
): MappedColumn {
  const base = baseType(table, column, caps);
  return {
    name: column.name,
    duckType: column.type,
    nullable: column.nullable,
    clickhouseType: column.nullable ? `Nullable(${base.type})` : base.type,
    export: base.export,
    ...(base.sum === undefined ? {} : { sum: base.sum }),
  };
}

const AS_IS: ExportRule = { kind: 'as-is' };

function baseType(
  table: string,
  column: { name: string; type: string },
  caps: Capabilities,
): { type: string; export: ExportRule; sum?: SumKind } {
  const t = column.type.toUpperCase();
  const integer = INTEGERS[t];
  if (integer !== undefined) return { type: integer, export: AS_IS, sum: 'integer' };
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) {
    const [, p, s] = decimal;
    if (Number(p) > 38) throw unsupported(table, column);
    return { type: `Decimal(${p}, ${s})`, export: AS_IS, sum: 'decimal' };
  }
  switch (t) {
    case 'DOUBLE':
      return { type: 'Float64', export: AS_IS, sum: 'float' };
    case 'FLOAT':
      return { type: 'Float32', export: AS_IS, sum: 'float' };
    case 'BOOLEAN':
      // Summed as 0/1 on both sides: the count of true values.
      return caps.bool
        ? { type: 'Bool', export: AS_IS, sum: 'integer' }
        : { type: 'UInt8', export: { kind: 'integer' }, sum: 'integer' };
    case 'VARCHAR':
      return { type: 'String', export: AS_IS };
    case 'UUID':
    case 'JSON':
      return { type: 'String', export: { kind: 'text' } };
    case 'TIMESTAMP':
      return caps.dateTime64
        ? { type: "DateTime64(6, 'UTC')", export: { kind: 'clamp', ...DATETIME64_RANGE, seconds: false } }
        : { type: "DateTime('UTC')", export: { kind: 'clamp', ...DATETIME_RANGE, seconds: true } };
    case 'DATE':
      return caps.date32
        ? { type: 'Date32', export: { kind: 'clamp', ...DATE32_RANGE, seconds: false } }
        : { type: 'Date', export: { kind: 'clamp', ...DATE_RANGE, seconds: false } };
    default:
      throw unsupported(table, column);
  }
}

function unsupported(table: string, column: { name: string; type: string }): AppError {
  return new AppError(
    'UNSUPPORTED_FEATURE',
    `${table}.${column.name} is ${column.type}, which publish cannot copy to ClickHouse`,
    { table, column: column.name, type: column.type },
  );
}
