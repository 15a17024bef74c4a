import { list, raw, type SqlNode, sql } from '../../sql';
import type { FieldSpec, RejectReason } from '../contracts';

/** Options of the job's source that change how text becomes typed values. */
export interface CastOptions {
  readonly timestampFormat?: string;
  readonly dateFormat?: string;
  readonly decimalSeparator?: '.' | ',';
}

type Expr = (x: SqlNode) => SqlNode;

/** One way a field can be bad: a condition over the normalised text and the cast value. */
export interface FieldCheck {
  readonly reason: RejectReason;
  readonly message: string;
  readonly when: (text: SqlNode, value: SqlNode) => SqlNode;
}

/**
 * How one contract field becomes typed: `text` normalises the mapped input (trimmed, blank =
 * NULL, default applied), `value` casts that text, `checks` say when the row must be rejected.
 */
export interface FieldCast {
  readonly text: Expr;
  readonly value: Expr;
  readonly checks: readonly FieldCheck[];
}

const NUMERIC_TYPES =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const TEMPORAL_TYPES = /^(DATE|TIMESTAMP.*)$/;

/** A string constant from source code (enum values), never from user input. */
function literal(s: string): SqlNode {
  return raw(`'${s.replaceAll("'", "''")}'`);
}

/**
 * The cast of one contract field from its mapped source value of DuckDB type `inputType`.
 * Values that arrive typed (parquet numbers and timestamps) are used as they are; everything
 * else goes through text with DuckDB's TRY_CAST, whose accepted forms are the contract's.
 */
export function castField(
  name: string,
  spec: FieldSpec,
  inputType: string,
  options: CastOptions,
  defaultText?: string,
): FieldCast {
  const typed =
    (NUMERIC_TYPES.test(inputType) && (spec.type === 'integer' || spec.type === 'decimal')) ||
    (TEMPORAL_TYPES.test(inputType) && (spec.type === 'timestamp' || spec.type === 'date'));
  // Trimming allocates a new string per row; most values need none, so only those with an
  // edge space are trimmed.
  // A typed nested value (a parquet struct or map) is read as its JSON text.
  const asText: Expr =
    inputType === 'VARCHAR' || inputType === 'JSON'
      ? (x) => x
      : spec.type === 'json'
        ? (x) => sql`CAST(to_json(${x}) AS VARCHAR)`
        : (x) => sql`CAST(${x} AS VARCHAR)`;
  const baseText: Expr = typed
    ? (x) => x
    : (x) => {
        const s = asText(x);
        return sql`CASE WHEN ${s} = '' THEN NULL WHEN starts_with(${s}, ' ') OR ends_with(${s}, ' ') THEN NULLIF(trim(${s}), '') ELSE ${s} END`;
      };
  const text: Expr =
    defaultText === undefined ? baseText : (x) => sql`coalesce(${baseText(x)}, ${literal(defaultText)})`;
  const numberText: Expr = options.decimalSeparator === ',' ? (t) => sql`replace(${t}, ',', '.')` : (t) => t;
  const checks: FieldCheck[] = [];
  if (spec.required) {
    checks.push({
      reason: 'missing_required',
      message: `${name} is required`,
      // A text value is also missing when nothing but NUL characters was there.
      when: spec.type === 'string' ? (_t, v) => sql`${v} IS NULL` : (t) => sql`${t} IS NULL`,
    });
  }
  const unparseable = (reason: RejectReason, what: string): FieldCheck => ({
    reason,
    message: `${name} is not ${what}`,
    when: (t, v) => sql`${t} IS NOT NULL AND (${v} IS NULL OR NOT isfinite(${v}))`,
  });
  let value: Expr;
  switch (spec.type) {
    case 'string': {
      // A NUL character (a JSON "\u0000", a NUL byte in a CSV field) is dropped from text: no
      // one types it, screens and exports mangle it, PostgreSQL cannot store it. One check per
      // value; the rare value holding one is trimmed again.
      const clean: Expr = (t) =>
        sql`CASE WHEN contains(${t}, chr(0)) THEN NULLIF(trim(replace(${t}, chr(0), '')), '') ELSE ${t} END`;
      value = spec.fold ? (t) => sql`lower(${clean(t)})` : clean;
      if (spec.known) {
        const known = list(spec.known.map(literal));
        const kept = value;
        value = (t) => sql`CASE WHEN lower(${t}) IN (${known}) THEN lower(${t}) ELSE ${kept(t)} END`;
      }
      break;
    }
    case 'json':
      value = (t) => sql`TRY_CAST(${t} AS JSON)`;
      checks.push({
        reason: 'invalid_json',
        message: `${name} is not a JSON object`,
        when: (t, v) => sql`${t} IS NOT NULL AND (${v} IS NULL OR json_type(${v}) <> 'OBJECT')`,
      });
      break;
    case 'enum': {
      const allowed = (spec.values ?? []).map(literal);
      value = (t) => sql`CASE WHEN ${t} IN (${list(allowed)}) THEN ${t} ELSE lower(${t}) END`;
      checks.push({
        reason: 'unknown_enum',
        message: `${name} must be one of ${(spec.values ?? []).join(', ')}`,
        when: (t, v) => sql`${t} IS NOT NULL AND ${v} NOT IN (${list(allowed)})`,
      });
      break;
    }
    case 'integer':
      value = typed ? (t) => sql`CAST(${t} AS DOUBLE)` : (t) => sql`TRY_CAST(${numberText(t)} AS DOUBLE)`;
      checks.push(unparseable('invalid_number', 'a number'), {
        reason: 'invalid_integer',
        message: `${name} is not an integer`,
        when: (_t, v) => sql`${v} <> trunc(${v})`,
      });
      break;
    case 'decimal':
      value = typed
        ? (t) => sql`CAST(${t} AS DECIMAL(18, 4))`
        : (t) => sql`TRY_CAST(${numberText(t)} AS DECIMAL(18, 4))`;
      checks.push({
        reason: 'invalid_number',
        message: `${name} is not a number`,
        when: (t, v) => sql`${t} IS NOT NULL AND ${v} IS NULL`,
      });
      break;
    case 'timestamp': {
      const format = options.timestampFormat;
      if (typed) value = (t) => sql`CAST(${t} AS TIMESTAMP)`;
      else if (format) value = (t) => sql`TRY_STRPTIME(${t}, ${format})`;
      else {
        // The common zone-less forms take the fast plain cast; anything that may carry an
        // offset or zone name goes through TIMESTAMPTZ, which converts it to UTC.
        value = (t) => sql`CASE WHEN length(${t}) = 10 OR (length(${t}) = 19 AND ${t}[17] = ':')
          THEN TRY_CAST(${t} AS TIMESTAMP) ELSE CAST(TRY_CAST(${t} AS TIMESTAMPTZ) AS TIMESTAMP) END`;
      }
      checks.push(unparseable('invalid_timestamp', 'a timestamp'));
      break;
    }
    case 'date': {
      const format = options.dateFormat;
      if (typed) value = (t) => sql`CAST(${t} AS DATE)`;
      else if (format) value = (t) => sql`CAST(TRY_STRPTIME(${t}, ${format}) AS DATE)`;
      else value = (t) => sql`TRY_CAST(${t} AS DATE)`;
      checks.push(unparseable('invalid_date', 'a date'));
      break;
    }
  }
  const { min, max } = spec;
  if (min !== undefined) {
    checks.push(
      min === 0
        ? {
            reason: 'negative_value',
            message: `${name} must not be negative`,
            when: (_t, v) => sql`${v} < 0`,
          }
        : {
            reason: 'out_of_range',
            message: `${name} must be at least ${min}`,
            when: (_t, v) => sql`${v} < ${raw(String(min))}`,
          },
    );
  }
  if (max !== undefined) {
    checks.push({
      reason: 'out_of_range',
      message: `${name} must be at most ${max}`,
      when: (_t, v) => sql`${v} > ${raw(String(max))}`,
    });
  }
  return { text, value, checks };
}

/** The SQL type a field is stored as. */
export function storageType(spec: FieldSpec): string {
  switch (spec.type) {
    case 'integer':
      return 'BIGINT';
    case 'decimal':
      return 'DECIMAL(18, 4)';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'date':
      return 'DATE';
    case 'json':
      return 'JSON';
    default:
      return 'VARCHAR';
  }
}
