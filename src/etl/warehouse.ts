import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../engine';
import { PACKAGE_ROOT } from '../util/package-root';

const SCHEMA_DIR = join(PACKAGE_ROOT, 'sql', 'schema');

/** Creates every star-schema and bookkeeping table that does not exist yet (idempotent). */
export async function ensureWarehouse(engine: Engine): Promise<void> {
  const files = readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  for (const f of files) await engine.exec(readFileSync(join(SCHEMA_DIR, f), 'utf8'));
}

/** The star schema's tables, for status displays and checksum tests. */
export async function warehouseTables(engine: Engine): Promise<string[]> {
  const r = await engine.query(
    "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main' ORDER BY table_name",
  );
  return r.rows.map((row) => String(row['table_name']));
}
