import { parseMoment } from './read-export';

/** What a loader would make of a row; the names match the manifest's dirt kinds. */
export type Verdict =
  | 'clean'
  | 'bad_timestamp'
  | 'bad_number'
  | 'missing_required'
  | 'unknown_enum'
  | 'negative_price'
  | 'negative_quantity'
  | 'enum_case_space'
  | 'duplicate_exact'
  | 'duplicate_newer'
  | 'unknown_customer'
  | 'unknown_product'
  | 'guest_order';

export interface RowRules {
  required: string[];
  timestamps: string[];
  numbers: string[];
  enums: Record<string, string[]>;
  key: string[];
  customerField?: string;
  knownCustomers?: Set<string>;
  productField?: string;
  knownProducts?: Set<string>;
  /** Orders: a completed line must not have a negative price or quantity. */
  negativeChecks?: boolean;
}

const blank = (v: unknown): boolean => v === undefined || v === null || v === '';
const norm = (v: unknown): string => String(v).trim().toLowerCase();

/** Classifies every row; each dirty row should land in exactly the kind the manifest counted. */
export function classify(rows: Record<string, unknown>[], rules: RowRules): Record<Verdict, number> {
  const counts = {} as Record<Verdict, number>;
  const bump = (v: Verdict): void => {
    counts[v] = (counts[v] ?? 0) + 1;
  };
  const seen = new Map<string, string>();
  for (const row of rows) {
    const verdict = rejection(row, rules);
    if (verdict) {
      bump(verdict);
      continue;
    }
    const key = rules.key.map((k) => String(row[k])).join('|');
    const whole = JSON.stringify(row);
    const previous = seen.get(key);
    if (previous !== undefined) {
      bump(previous === whole ? 'duplicate_exact' : 'duplicate_newer');
      continue;
    }
    seen.set(key, whole);
    bump(loadedKind(row, rules));
  }
  return counts;
}

function rejection(row: Record<string, unknown>, rules: RowRules): Verdict | null {
  if (rules.required.some((f) => blank(row[f]))) return 'missing_required';
  if (rules.timestamps.some((f) => parseMoment(row[f]) === null)) return 'bad_timestamp';
  if (rules.numbers.some((f) => !blank(row[f]) && !Number.isFinite(Number(row[f])))) return 'bad_number';
  for (const [field, allowed] of Object.entries(rules.enums)) {
    if (!blank(row[field]) && !allowed.includes(norm(row[field]))) return 'unknown_enum';
  }
  if (rules.negativeChecks && norm(row['status']) === 'completed') {
    if (Number(row['unit_price']) < 0) return 'negative_price';
    if (Number(row['quantity']) < 0) return 'negative_quantity';
  }
  return null;
}

function loadedKind(row: Record<string, unknown>, rules: RowRules): Verdict {
  for (const field of Object.keys(rules.enums)) {
    if (!blank(row[field]) && String(row[field]) !== norm(row[field])) return 'enum_case_space';
  }
  if (rules.customerField && rules.knownCustomers) {
    const id = row[rules.customerField];
    if (blank(id)) return 'guest_order';
    if (!rules.knownCustomers.has(String(id))) return 'unknown_customer';
  }
  if (
    rules.productField &&
    rules.knownProducts &&
    !rules.knownProducts.has(String(row[rules.productField]))
  ) {
    return 'unknown_product';
  }
  return 'clean';
}
