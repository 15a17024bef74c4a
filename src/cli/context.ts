import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDbEngine, type Engine } from '../engine';
import { ensureWarehouse, type WarehouseClock, warehouseClock } from '../etl';

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

/** The warehouse's clock (see `warehouseClock`): what every command reads relative dates against. */
export function clockOf(engine: Engine): Promise<WarehouseClock> {
  return warehouseClock(engine, projectRoot());
}
