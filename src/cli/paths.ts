import { resolve } from 'node:path';

/** The project root: where `etl/`, `cubes/`, `dashboards/` and relative source paths live. */
export function projectRoot(): string {
  return resolve(process.env['RAPPORT_ROOT'] ?? process.cwd());
}

export const DEFAULT_DB = 'data/warehouse.duckdb';

export function warehousePath(db?: string): string {
  return resolve(projectRoot(), db ?? process.env['RAPPORT_DB'] ?? DEFAULT_DB);
}
