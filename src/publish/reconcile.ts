import type { Session } from '../engine';
import { ident, list, type SqlNode, sql } from '../sql';
import type { MappedColumn, SumKind } from './clickhouse-types';
import type { ClickHouseTarget } from './target';

/** Count and column sums of one table, as decimal text, keyed `rows` and by column. */
export type Totals = Record<string, string>;

/** One table compared on both sides (on a cluster: a fact through its Distributed table, a dimension per shard). */
export interface Reconciliation {
  readonly table: string;
  /** Where the ClickHouse side was read: `all` or `shard N`. */
  readonly where: string;
  readonly duckdbRows: number;
  readonly clickhouseRows: number;
  /** How many column sums were compared. */
  readonly sums: number;
  /** The columns (or `rows`) whose totals differ, with both values. */
  readonly mismatches: readonly { column: string; duckdb: string; clickhouse: string }[];
}

const summed = (columns: readonly MappedColumn[]) =>
  columns.filter((c): c is MappedColumn & { sum: SumKind } => c.sum !== undefined);

/** DuckDB's totals: integer sums exact (HUGEINT), booleans as 0/1. */
export async function duckdbTotals(
  session: Session,
  table: string,
  columns: readonly MappedColumn[],
): Promise<Totals> {
  const sums = summed(columns).map((c) => {
    const v = c.duckType.toUpperCase() === 'BOOLEAN' ? sql`CAST(${ident(c.name)} AS INTEGER)` : ident(c.name);
    return sql`CAST(sum(${v}) AS VARCHAR) AS ${ident(`s_${c.name}`)}`;
  });
  const r = await session.query(
    sql`SELECT ${list([sql`CAST(count(*) AS VARCHAR) AS ${ident('rows')}`, ...sums])} FROM ${ident(table)}`,
  );
  return totalsOf(r.rows[0] ?? {}, columns);
}

/** ClickHouse's totals of `database.table` as `target` reads it. */
export async function clickhouseTotals(
  target: ClickHouseTarget,
  table: string,
  columns: readonly MappedColumn[],
): Promise<Totals> {
  const sums: SqlNode[] = summed(columns).map((c) => {
    const v = c.duckType.toUpperCase() === 'BOOLEAN' ? sql`toUInt8(${ident(c.name)})` : ident(c.name);
    return sql`toString(sum(${v})) AS ${ident(`s_${c.name}`)}`;
  });
  const [row] = await target.rows(
    sql`SELECT ${list([sql`toString(count()) AS ${ident('rows')}`, ...sums])} FROM ${ident(target.database, table)}`,
  );
  return totalsOf(row ?? {}, columns);
}

function totalsOf(row: Record<string, unknown>, columns: readonly MappedColumn[]): Totals {
  const t: Totals = { rows: String(row['rows'] ?? '0') };
  for (const c of summed(columns)) {
    const v = row[`s_${c.name}`];
    // An empty table sums to NULL in DuckDB and to 0 in ClickHouse.
    t[c.name] = v === null || v === undefined ? '0' : String(v);
  }
  return t;
}

export function compare(
  table: string,
  where: string,
  columns: readonly MappedColumn[],
  duck: Totals,
  click: Totals,
): Reconciliation {
  const kinds = new Map<string, SumKind>([['rows', 'integer']]);
  for (const c of summed(columns)) kinds.set(c.name, c.sum);
  const mismatches: { column: string; duckdb: string; clickhouse: string }[] = [];
  for (const [column, kind] of kinds) {
    const a = duck[column] ?? '0';
    const b = click[column] ?? '0';
    if (!sameTotal(kind, a, b)) mismatches.push({ column, duckdb: a, clickhouse: b });
  }
  return {
    table,
    where,
    duckdbRows: Number(duck['rows']),
    clickhouseRows: Number(click['rows']),
    sums: kinds.size - 1,
    mismatches,
  };
}

const MOD_64 = 1n << 64n;

/**
 * Integers compare modulo 2^64: ClickHouse sums Int64 and UInt64 into 64 bits (wrapping),
 * DuckDB exactly; equal totals agree modulo 2^64 either way. Decimals compare exactly as
 * numbers (ClickHouse drops trailing zeros), floats to 1e-9 relative (the order of summation
 * differs).
 */
export function sameTotal(kind: SumKind, a: string, b: string): boolean {
  switch (kind) {
    case 'integer': {
      const m = (s: string) => ((BigInt(s) % MOD_64) + MOD_64) % MOD_64;
      try {
        return m(a) === m(b);
      } catch {
        return false;
      }
    }
    case 'decimal':
      return normalDecimal(a) === normalDecimal(b);
    case 'float': {
      const x = Number(a);
      const y = Number(b);
      if (x === y) return true;
      return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
    }
  }
}

function normalDecimal(s: string): string {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(s.trim());
  if (!m) return s;
  const [, sign, whole = '', fraction = ''] = m;
  const w = whole.replace(/^0+(?=\d)/, '') || '0';
  const f = fraction.replace(/0+$/, '');
  const text = f === '' ? w : `${w}.${f}`;
  return text === '0' ? '0' : `${sign}${text}`;
}
