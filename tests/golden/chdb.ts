import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Engine } from '../../src/engine';
import type { SqlValue } from '../../src/sql';

/** Whether the in-process ClickHouse (the chdb devDependency) is installed. */
export const HAS_CHDB = existsSync(join(import.meta.dirname, '..', '..', 'node_modules', 'chdb'));

/** An in-process ClickHouse in a scratch folder (chdb binds one folder per process). */
export async function openChdb(): Promise<{ client: ClickHouseClient; close: () => Promise<void> }> {
  const { createClient } = await import('@clickhouse/client');
  const { createChdbConnection } = await import('chdb/connection');
  const dir = mkdtempSync(join(tmpdir(), 'rapport-dialects-chdb-'));
  const client = createClient({
    // chdb builds on its own copy of @clickhouse/client-common: the types differ, the shape does not.
    connection: createChdbConnection({ path: dir }) as never,
    // What the ClickHouse engine sets for every session: UTC, and outer joins fill with NULL.
    clickhouse_settings: { session_timezone: 'UTC', join_use_nulls: 1 },
  });
  return {
    client,
    close: async () => {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** params[i] as `p${i + 1}`, the names the ClickHouse dialect's placeholders use. */
export function namedParams(params: readonly SqlValue[]): Record<string, unknown> {
  return Object.fromEntries(params.map((v, i) => [`p${i + 1}`, typeof v === 'bigint' ? v.toString() : v]));
}

/** A DuckDB column type as ClickHouse would hold it (test tables only; publish has its own mapping). */
export function clickhouseType(duck: string, nullable = true): string {
  const t = duck.toUpperCase();
  if (t.endsWith('[]')) return `Array(${clickhouseType(t.slice(0, -2)).replace(/^Nullable\((.*)\)$/, '$1')})`;
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  const base = decimal
    ? `Decimal(${decimal[1]}, ${decimal[2]})`
    : (
        {
          VARCHAR: 'String',
          JSON: 'String',
          BIGINT: 'Int64',
          INTEGER: 'Int32',
          SMALLINT: 'Int16',
          TINYINT: 'Int8',
          UBIGINT: 'UInt64',
          DOUBLE: 'Float64',
          FLOAT: 'Float32',
          BOOLEAN: 'Bool',
          DATE: 'Date32',
          TIMESTAMP: 'DateTime64(6)',
          'TIMESTAMP WITH TIME ZONE': "DateTime64(6, 'UTC')",
        } as Record<string, string>
      )[t];
  if (base === undefined) throw new Error(`no ClickHouse type for ${duck}`);
  return nullable ? `Nullable(${base})` : base;
}

/** Every table of the DuckDB warehouse, created empty in ClickHouse with the same columns (NOT NULL kept). */
export async function copySchema(duck: Engine, client: ClickHouseClient): Promise<string[]> {
  const r = await duck.query(
    "SELECT table_name AS t, column_name AS c, data_type AS ty, is_nullable AS n FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal ORDER BY table_name, column_index",
  );
  const tables = new Map<string, string[]>();
  for (const row of r.rows) {
    const t = String(row['t']);
    const type = clickhouseType(String(row['ty']), row['n'] !== false);
    tables.set(t, [...(tables.get(t) ?? []), `\`${String(row['c'])}\` ${type}`]);
  }
  for (const [t, cols] of tables) {
    await client.command({ query: `CREATE TABLE \`${t}\` (${cols.join(', ')}) ENGINE = Memory` });
  }
  return [...tables.keys()];
}

/** The range ClickHouse's DateTime64 holds: DuckDB's open ends (9999-12-31) are clamped to it. */
const TIMESTAMP_RANGE = ["TIMESTAMP '1900-01-01'", "TIMESTAMP '2299-12-31 23:59:59.999999'"];

/** Copies every row of the DuckDB warehouse's tables into the (same-named) ClickHouse tables, through Parquet files in `dir`. */
export async function copyRows(
  duck: Engine,
  client: ClickHouseClient,
  tables: readonly string[],
  dir: string,
): Promise<void> {
  for (const t of tables) {
    const cols = await duck.query(
      `SELECT column_name AS c, data_type AS ty FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = '${t}' ORDER BY column_index`,
    );
    const select = cols.rows.map((r) => {
      const c = `"${String(r['c'])}"`;
      // greatest and least skip NULLs in DuckDB: a NULL must stay NULL.
      const clamped = `least(greatest(${c}, ${TIMESTAMP_RANGE[0]}), ${TIMESTAMP_RANGE[1]})`;
      return r['ty'] === 'TIMESTAMP' ? `CASE WHEN ${c} IS NULL THEN NULL ELSE ${clamped} END AS ${c}` : c;
    });
    const file = join(dir, `${t}.parquet`);
    await duck.exec(`COPY (SELECT ${select.join(', ')} FROM "${t}") TO '${file}' (FORMAT parquet)`);
    await client.command({ query: `INSERT INTO \`${t}\` SELECT * FROM file('${file}', Parquet)` });
  }
}

/**
 * A value as both engines' JSON can be compared: timestamps and dates as ISO to the millisecond
 * (DuckDB returns a bucketed date column as a date, ClickHouse as a timestamp at midnight),
 * numbers to 9 significant digits (the engines sum in other orders).
 */
export function comparable(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(9));
  if (typeof v !== 'string') return v;
  const ts = /^(\d{4}-\d\d-\d\d)(?:[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?)?$/.exec(v);
  if (!ts) return v;
  return `${ts[1]}T${ts[2] ?? '00:00:00'}.${(ts[3] ?? '').padEnd(3, '0').slice(0, 3)}`;
}
