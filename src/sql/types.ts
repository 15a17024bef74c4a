/** A value that may be bound to a statement. */
export type SqlValue = string | number | bigint | boolean | null | readonly SqlValue[];

/**
 * Logical types: what a value is, not how an engine spells it. Casts and typed parameters name
 * one of these; each dialect maps it onto its own type (DuckDB `TIMESTAMP`, ClickHouse
 * `DateTime64(6)`). The upper-case DuckDB spellings older code passes (`'TIMESTAMP'`,
 * `'INTEGER'`, `'VARCHAR'`) are accepted as synonyms.
 */
export type ScalarType =
  | {
      readonly base: 'timestamp' | 'date' | 'double' | 'bigint' | 'integer' | 'text' | 'boolean' | 'interval';
    }
  | { readonly base: 'decimal'; readonly precision: number; readonly scale: number };

export type LogicalType = ScalarType | { readonly base: 'array'; readonly of: ScalarType };

const SYNONYMS: Record<string, ScalarType['base']> = {
  timestamp: 'timestamp',
  datetime: 'timestamp',
  date: 'date',
  double: 'double',
  float: 'double',
  bigint: 'bigint',
  integer: 'integer',
  int: 'integer',
  text: 'text',
  varchar: 'text',
  string: 'text',
  boolean: 'boolean',
  bool: 'boolean',
  interval: 'interval',
};

const DECIMAL = /^decimal\((\d+),\s*(\d+)\)$/;

/** `'timestamp'`, `'decimal(18,4)'`, `'text[]'`, or a DuckDB spelling; throws on anything else. */
export function parseLogicalType(name: string): LogicalType {
  const t = name.trim().toLowerCase();
  if (t.endsWith('[]')) {
    const of = parseLogicalType(t.slice(0, -2));
    if (of.base === 'array') throw new Error(`nested array type ${name}`);
    return { base: 'array', of };
  }
  const d = DECIMAL.exec(t);
  if (d) {
    const precision = Number(d[1]);
    const scale = Number(d[2]);
    if (precision < 1 || precision > 38 || scale > precision) throw new Error(`bad decimal type ${name}`);
    return { base: 'decimal', precision, scale };
  }
  const base = SYNONYMS[t];
  if (base === undefined) throw new Error(`unknown logical type ${name}`);
  return { base } as ScalarType;
}

/**
 * The type a JS value binds as when no type is given: integers are bigint, other numbers
 * double, arrays take their first non-null element's type. Null has no type of its own
 * (`undefined`): a dialect that must name one makes it nullable text.
 */
export function inferLogicalType(value: SqlValue): LogicalType | undefined {
  if (value === null) return undefined;
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null);
    const of = first === undefined ? undefined : inferLogicalType(first);
    if (of?.base === 'array') throw new Error('nested arrays cannot be bound');
    return { base: 'array', of: of ?? { base: 'text' } };
  }
  switch (typeof value) {
    case 'string':
      return { base: 'text' };
    case 'bigint':
      return { base: 'bigint' };
    case 'boolean':
      return { base: 'boolean' };
    case 'number':
      return Number.isInteger(value) ? { base: 'bigint' } : { base: 'double' };
    default:
      throw new Error(`cannot bind ${typeof value}`);
  }
}
