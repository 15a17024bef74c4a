import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDbEngine, type Engine, isClickHouseUrl, openEngine } from '../engine';
import { AppError } from '../errors';
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

/** `--clickhouse URL`, else $RAPPORT_CLICKHOUSE_URL; undefined when neither is set. */
export function clickhouseUrl(flag: string | undefined): string | undefined {
  const url = flag ?? process.env['RAPPORT_CLICKHOUSE_URL'];
  return url === undefined || url.trim() === '' ? undefined : url.trim();
}

/**
 * Opens the ClickHouse that analytical reads go to (a copy of the star schema made by `rapport
 * publish`). A location that is not a ClickHouse, or one that cannot be reached, fails here as
 * one AppError line, before anything else starts.
 */
export async function openClickHouseWarehouse(url: string): Promise<Engine> {
  if (!isClickHouseUrl(url)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `--clickhouse (or RAPPORT_CLICKHOUSE_URL) must be http(s)://user:password@host:port/database or chdb:DIR, got ${redactUrl(url)}`,
    );
  }
  try {
    return await openEngine(url);
  } catch (e) {
    if (e instanceof AppError) {
      throw new AppError(e.code, `ClickHouse at ${redactUrl(url)}: ${e.message}`, e.details);
    }
    throw e;
  }
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  return url.replace(/^(https?:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

/**
 * The embedded DuckDB (state, run log, clock) and the engine analytical reads go to: the
 * ClickHouse at `clickhouse` when given, else the DuckDB itself. Both are closed after `body`.
 */
export async function withWarehouses<T>(
  db: string | undefined,
  clickhouse: string | undefined,
  body: (engines: { state: Engine; warehouse: Engine }) => Promise<T>,
): Promise<T> {
  // ClickHouse first: a wrong URL is reported before the DuckDB file is opened (and locked).
  const remote = clickhouse === undefined ? undefined : await openClickHouseWarehouse(clickhouse);
  try {
    return await withWarehouse(db, (state) => body({ state, warehouse: remote ?? state }));
  } finally {
    await remote?.close();
  }
}
