import type { FieldSpec, RowRule } from './field';

/** Where a contract's validated rows go in the star schema. */
export type ContractKind = 'fact' | 'dimension' | 'scd2-dimension';

/**
 * A reference from a contract field to a dimension. Unknown ids get a placeholder row in the
 * dimension (flagged `is_placeholder`), never a lost fact row.
 */
export interface DimensionRef {
  readonly dimension: 'customer' | 'product' | 'campaign' | 'employee' | 'channel' | 'geography';
  /** The contract field holding the natural id (or the name, for channel and country). */
  readonly field: string;
  /** The fact column receiving the surrogate key. */
  readonly keyColumn: string;
  /** For customers: the timestamp field that picks the SCD2 version valid at that time. */
  readonly asOf?: string;
  /** For products: a contract field whose value names a placeholder product. */
  readonly nameField?: string;
}

export interface LandingContract {
  readonly name: string;
  readonly description: string;
  readonly kind: ContractKind;
  /** The star-schema table the rows land in. */
  readonly table: string;
  readonly naturalKey: readonly string[];
  readonly fields: Readonly<Record<string, FieldSpec>>;
  readonly rules?: readonly RowRule[];
  readonly references?: readonly DimensionRef[];
  /** The timestamp field that gives the fact's `date_key`. */
  readonly dateField?: string;
  /** Fact columns computed from the cast fields: column name → SQL over field identifiers. */
  readonly computed?: Readonly<Record<string, string>>;
  /** Fields held in the contract but not stored as columns (replaced by a dimension key). */
  readonly notStored?: readonly string[];
  /** Text a blank field takes before it is cast, e.g. order status → completed. */
  readonly defaults?: Readonly<Record<string, string>>;
}
