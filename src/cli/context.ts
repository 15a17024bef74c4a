import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDbEngine, type Engine } from '../engine';
import { ensureWarehouse, type WarehouseClock, warehouseClock } from '../etl';
import { projectRoot, warehousePath } from './paths';

// The paths live in a module of their own, which loads no engine (commands that need no
// warehouse import them from there).
export { DEFAULT_DB, projectRoot, warehousePath } from './paths';

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
