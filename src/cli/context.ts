import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DuckDbEngine, type Engine } from '../engine';
import { ensureWarehouse } from '../etl';

/** The project root: where `etl/`, `cubes/`, `dashboards/` and relative source paths live. */
export function projectRoot(): string {
  return resolve(process.env['RAPPORT_ROOT'] ?? process.cwd());
}

export const DEFAULT_DB = 'data/warehouse.duckdb';

export function warehousePath(db?: string): string {
  return resolve(projectRoot(), db ?? process.env['RAPPORT_DB'] ?? DEFAULT_DB);
}

/** Opens (creating if needed) the warehouse with its schema. */
export async function openWarehouse(
  db?: string,
  options: { poolSize?: number } = {},
): Promise<{ engine: Engine; path: string }> {
  const path = warehousePath(db);
  mkdirSync(dirname(path), { recursive: true });
  const engine = await DuckDbEngine.open({ path, poolSize: options.poolSize });
  await ensureWarehouse(engine);
  return { engine, path };
}

export async function withWarehouse<T>(
  db: string | undefined,
  body: (engine: Engine) => Promise<T>,
): Promise<T> {
  const { engine } = await openWarehouse(db);
  try {
    return await body(engine);
  } finally {
    await engine.close();
  }
}

/**
 * The clock relative dates ("last 12 months", overdue) are read against: $RAPPORT_NOW when set
 * (an ISO date or timestamp, for reproducible reports), else the real time.
 */
export function clock(): () => Date {
  const pinned = process.env['RAPPORT_NOW'];
  if (pinned === undefined || pinned === '') return () => new Date();
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(pinned) ? `${pinned}T00:00:00Z` : pinned);
  if (Number.isNaN(+at)) throw new Error(`RAPPORT_NOW must be an ISO date or timestamp, got "${pinned}"`);
  return () => at;
}

/**
 * The demo company's export moment (the day after its last day), when every load into the
 * warehouse came from the demo jobs: the demo's "now", so that its dashboards show a full last
 * year instead of the months since the export.
 */
export async function demoExportMoment(engine: Engine, root: string): Promise<Date | undefined> {
  const { rows } = await engine.query(
    "SELECT count(*) FILTER (WHERE job NOT LIKE 'demo-%') AS other, count(*) AS runs FROM etl_runs WHERE status = 'succeeded'",
  );
  if (Number(rows[0]?.['runs'] ?? 0) === 0 || Number(rows[0]?.['other'] ?? 0) > 0) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'fixtures', 'demo', 'MANIFEST.json'), 'utf8'));
    const end = new Date(`${manifest.options.end}T00:00:00Z`);
    return new Date(end.getTime() + 86_400_000);
  } catch {
    return undefined;
  }
}
