/**
 * A landing contract field: what type it has and which values it accepts. The loader turns a
 * field into a SQL cast plus a validity test (`cast-sql.ts`); `schema.ts` turns the same field
 * into a zod schema. Both must agree, and a test holds them to it.
 */
export type FieldType = 'string' | 'integer' | 'decimal' | 'timestamp' | 'date' | 'enum' | 'json';

export interface FieldSpec {
  readonly type: FieldType;
  readonly required?: boolean;
  /** For enums: the allowed values, compared after trimming and lower-casing. */
  readonly values?: readonly string[];
  /** Inclusive bounds for numbers. */
  readonly min?: number;
  readonly max?: number;
  /** For strings: lower-case after trimming (codes such as channel names). */
  readonly fold?: boolean;
  /**
   * For strings: names with a meaning to rapport, matched case-insensitively and stored as
   * written here; any other value is kept as it came (event names are case-sensitive).
   */
  readonly known?: readonly string[];
  readonly description?: string;
}

/**
 * A rule over several fields of one row. `sql` is a condition over the cast values (as
 * identifiers of the same names) that is TRUE when the row breaks the rule; `test` is the same
 * rule for one JavaScript row.
 */
export interface RowRule {
  readonly reason: RejectReason;
  readonly field: string;
  readonly message: string;
  readonly sql: string;
  readonly test: (row: Record<string, unknown>) => boolean;
}

export const REJECT_REASONS = [
  'missing_required',
  'invalid_number',
  'invalid_integer',
  'invalid_timestamp',
  'invalid_date',
  'unknown_enum',
  'negative_value',
  'out_of_range',
  'negative_quantity',
  'malformed_record',
  'field_too_long',
  'invalid_json',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

export function str(description?: string): FieldSpec {
  return { type: 'string', description };
}

/** A code compared case-insensitively: stored trimmed and lower-cased. */
export function code(description?: string): FieldSpec {
  return { type: 'string', fold: true, description };
}

/** A name of the source's choosing; `known` ones are stored in rapport's spelling. */
export function openName(known: readonly string[], description?: string): FieldSpec {
  return { type: 'string', known, description };
}

/** A JSON object (given as an object in JSON sources, as its text in CSV), kept as JSON. */
export function jsonObject(description?: string): FieldSpec {
  return { type: 'json', description };
}

export function ts(description?: string): FieldSpec {
  return { type: 'timestamp', description };
}

export function decimal(min?: number, max?: number, description?: string): FieldSpec {
  return { type: 'decimal', min, max, description };
}

export function integer(min?: number, max?: number, description?: string): FieldSpec {
  return { type: 'integer', min, max, description };
}

export function enumOf(values: readonly string[], description?: string): FieldSpec {
  return { type: 'enum', values, description };
}

export function required(spec: FieldSpec): FieldSpec {
  return { ...spec, required: true };
}
