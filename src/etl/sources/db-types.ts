/**
 * How source-database column types are staged in DuckDB. Values travel as the database's own
 * text form and are cast once in DuckDB, so numerics, timestamps and JSON arrive exactly.
 * Anything without a faithful DuckDB type stays VARCHAR (the contract casts it like file text).
 */

const PG: Record<number, string> = {
  16: 'BOOLEAN',
  20: 'BIGINT',
  21: 'SMALLINT',
  23: 'INTEGER',
  26: 'BIGINT', // oid
  700: 'DOUBLE',
  701: 'DOUBLE',
  1082: 'DATE',
  1114: 'TIMESTAMP',
  1184: 'TIMESTAMPTZ',
  114: 'JSON',
  3802: 'JSON',
};

const PG_NUMERIC = 1700;

/** A PostgreSQL column (type OID and modifier, as in a RowDescription) as a DuckDB type. */
export function duckTypeOfPostgres(oid: number, modifier: number): string {
  if (oid === PG_NUMERIC) {
    // numeric(p, s) carries (p << 16 | s) + 4; unconstrained numeric has no DuckDB equivalent.
    if (modifier < 4) return 'VARCHAR';
    const precision = ((modifier - 4) >> 16) & 0xffff;
    const scale = (modifier - 4) & 0xffff;
    return precision <= 38 ? `DECIMAL(${precision}, ${scale})` : 'VARCHAR';
  }
  return PG[oid] ?? 'VARCHAR';
}

/** MySQL / MariaDB column types (protocol codes, as mysql2 reports them). */
const MY = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  DATETIME: 12,
  YEAR: 13,
  JSON: 245,
  NEWDECIMAL: 246,
} as const;

const UNSIGNED_FLAG = 32;

export interface MysqlColumnInfo {
  readonly columnType: number;
  readonly columnLength: number;
  readonly decimals: number;
  readonly flags: number;
}

export function duckTypeOfMysql(c: MysqlColumnInfo): string {
  const unsigned = (c.flags & UNSIGNED_FLAG) !== 0;
  switch (c.columnType) {
    case MY.DECIMAL:
    case MY.NEWDECIMAL: {
      // The display length counts the sign (signed) and the point (when there are decimals).
      const precision = c.columnLength - (c.decimals > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      return precision >= 1 && precision <= 38 ? `DECIMAL(${precision}, ${c.decimals})` : 'VARCHAR';
    }
    case MY.TINY:
    case MY.SHORT:
    case MY.YEAR:
      return 'INTEGER';
    case MY.INT24:
    case MY.LONG:
      return unsigned ? 'BIGINT' : 'INTEGER';
    case MY.LONGLONG:
      return unsigned ? 'HUGEINT' : 'BIGINT';
    case MY.FLOAT:
    case MY.DOUBLE:
      return 'DOUBLE';
    case MY.DATE:
      return 'DATE';
    // The session runs in UTC, so TIMESTAMP columns read as UTC wall time.
    case MY.DATETIME:
    case MY.TIMESTAMP:
      return 'TIMESTAMP';
    case MY.JSON:
      return 'JSON';
    default:
      return 'VARCHAR';
  }
}
