import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbEngine, type Engine } from '../../src/engine';
import { ensureWarehouse } from '../../src/etl';

/** A fresh in-memory warehouse with the schema. */
export async function memoryWarehouse(): Promise<Engine> {
  const engine = await DuckDbEngine.open({ path: ':memory:' });
  await ensureWarehouse(engine);
  return engine;
}

/** A scratch folder, removed by the returned function. */
export function scratchDir(prefix = 'rapport-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * An order-independent checksum of every warehouse table except the run log: row count and
 * the sum of row hashes. Equal checksums mean equal contents (up to hash collisions).
 */
export async function tableChecksums(
  engine: Engine,
  exclude: readonly string[] = ['etl_runs'],
): Promise<Record<string, string>> {
  const tables = await engine.query(
    "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY table_name",
  );
  const out: Record<string, string> = {};
  for (const row of tables.rows) {
    const name = String(row['table_name']);
    if (exclude.includes(name)) continue;
    const r = await engine.query(
      `SELECT count(*) AS n, coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR AS h FROM "${name}" t`,
    );
    out[name] = `${r.rows[0]?.['n']}:${r.rows[0]?.['h']}`;
  }
  return out;
}

export async function rows(engine: Engine, text: string): Promise<Record<string, unknown>[]> {
  return (await engine.query(text)).rows;
}

export async function one(engine: Engine, text: string): Promise<Record<string, unknown>> {
  const r = await rows(engine, text);
  if (r.length !== 1) throw new Error(`expected one row from ${text}, got ${r.length}`);
  return r[0]!;
}
