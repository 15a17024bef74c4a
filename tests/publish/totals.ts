import type { Engine } from '../../src/engine';
import type { ClickHouseTarget } from '../../src/publish';
import { raw } from '../../src/sql';

// The star schema as docs/architecture.md lists it: what must reach ClickHouse, and nothing else.
export const DIMENSIONS = [
  'dim_campaign',
  'dim_channel',
  'dim_customer',
  'dim_date',
  'dim_employee',
  'dim_geography',
  'dim_product',
];
export const FACTS = [
  'fact_campaign_responses',
  'fact_deal_stages',
  'fact_interactions',
  'fact_order_lines',
  'fact_tickets',
  'fact_web_events',
];

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|DOUBLE|DECIMAL.*)$/;

/**
 * Count and sum of every numeric column, written here by hand on each side (not by the
 * publisher's reconciler): DuckDB exactly, ClickHouse as 64-bit integer sums (compared modulo
 * 2^64), decimals as text without trailing zeros.
 */
async function numericColumns(engine: Engine, table: string): Promise<{ name: string; type: string }[]> {
  const r = await engine.query(
    `SELECT column_name AS name, data_type AS type FROM duckdb_columns() WHERE table_name = '${table}' ORDER BY column_index`,
  );
  return r.rows
    .map((x) => ({ name: String(x['name']), type: String(x['type']) }))
    .filter((c) => NUMERIC.test(c.type));
}

const MOD = 1n << 64n;
function normal(type: string, value: unknown): string {
  const s = value === null || value === undefined ? '0' : String(value);
  if (type.startsWith('DECIMAL')) return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  if (type === 'DOUBLE') return Number(s).toPrecision(12);
  return String(((BigInt(s) % MOD) + MOD) % MOD);
}

export async function duckdbSide(engine: Engine, table: string): Promise<Record<string, string>> {
  const cols = await numericColumns(engine, table);
  const sums = cols.map((c) => `CAST(sum("${c.name}") AS VARCHAR) AS "${c.name}"`);
  const r = await engine.query(
    `SELECT ${['CAST(count(*) AS VARCHAR) AS __n', ...sums].join(', ')} FROM "${table}"`,
  );
  const row = r.rows[0] ?? {};
  return Object.fromEntries([
    ['__n', String(row['__n'])],
    ...cols.map((c) => [c.name, normal(c.type, row[c.name])]),
  ]);
}

export async function clickhouseSide(
  engine: Engine,
  target: ClickHouseTarget,
  table: string,
): Promise<Record<string, string>> {
  const cols = await numericColumns(engine, table);
  const sums = cols.map((c) => `toString(sum("${c.name}")) AS "${c.name}"`);
  const [row = {}] = await target.rows(
    raw(`SELECT ${['toString(count()) AS __n', ...sums].join(', ')} FROM "${target.database}"."${table}"`),
  );
  return Object.fromEntries([
    ['__n', String(row['__n'])],
    ...cols.map((c) => [c.name, normal(c.type, row[c.name])]),
  ]);
}

/** A run in the run log, as the loader records one: rows written by hand carry its id. */
export async function recordRun(engine: Engine): Promise<number> {
  const run = Number((await engine.query('SELECT max(run_id) + 1 AS r FROM etl_runs')).rows[0]?.['r']);
  await engine.exec(`
    INSERT INTO etl_runs (run_id, job, target, started_at, status, changed)
    VALUES (${run}, 'by-hand', 'orders', TIMESTAMP '2026-05-15 00:00:00', 'succeeded', true)`);
  return run;
}
