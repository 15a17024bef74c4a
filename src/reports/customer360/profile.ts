import type { JsonValue, Row } from '../../engine';
import { sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { customerFilter, type MemberColumn, memberRows } from './cube-sql';

const PROFILE = [
  'customer_id',
  'name',
  'email',
  'phone',
  'type',
  'industry',
  'country',
  'region',
  'city',
  'signup_at',
  'acquisition_channel',
  'birth_date',
] as const;

const HISTORY = ['type', 'industry', 'country', 'region', 'city', 'name', 'email', 'phone'] as const;

const COLUMNS: MemberColumn[] = [
  ...[...new Set([...PROFILE, ...HISTORY, 'valid_from', 'valid_to', 'is_current'])].map(
    (c) => [c, `customers.${c}`] as const,
  ),
  ['placeholder', 'customers.is_placeholder'],
];

export type Profile = Record<(typeof PROFILE)[number], JsonValue> & {
  /** Made by the ETL for an id that no customer export knew (only facts name it). */
  placeholder: boolean;
};

export interface HistoryVersion extends Record<(typeof HISTORY)[number], JsonValue> {
  valid_from: string;
  valid_to: string;
  is_current: boolean;
}

/**
 * The open end of an SCD2 version: the warehouse writes 9999-12-31; a published ClickHouse holds
 * it clamped to the last instant its type can (2299-12-31 23:59:59.999…, docs/publish.md). Both
 * read as the warehouse's sentinel, so the answer does not depend on the engine.
 */
const OPEN_END = '9999-12-31T00:00:00.000';
const CLAMPED_END = '2299-12-31';
const validTo = (v: unknown): string => (String(v) >= CLAMPED_END ? OPEN_END : String(v));

const pick = <K extends string>(row: Row, keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, row[k] ?? null])) as Record<K, JsonValue>;

/**
 * The customer's SCD2 versions, oldest first, and the profile of the current one (the latest
 * version should none be flagged current); null for an id the warehouse does not know.
 */
export async function customerProfile(
  ctx: ReportContext,
  customerId: string,
): Promise<{ profile: Profile; history: HistoryVersion[] } | null> {
  const rows = (
    await ctx.engine.query(
      sql`SELECT * FROM (${memberRows(ctx, 'customers', COLUMNS, [customerFilter('customers', customerId)])})
          ORDER BY valid_from`,
    )
  ).rows;
  if (rows.length === 0) return null;
  const current = rows.find((r) => r['is_current'] === true) ?? rows.at(-1)!;
  return {
    profile: { ...pick(current, PROFILE), placeholder: current['placeholder'] === true },
    history: rows.map((r) => ({
      valid_from: String(r['valid_from']),
      valid_to: validTo(r['valid_to']),
      is_current: r['is_current'] === true,
      ...pick(r, HISTORY),
    })),
  };
}
