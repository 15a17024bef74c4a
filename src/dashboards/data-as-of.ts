import type { Engine } from '../engine';
import { CONTRACTS } from '../etl/contracts';
import { splitMemberName } from '../model/names';
import type { Model } from '../model/types';
import { list, param, sql } from '../sql';
import type { Dashboard, Tile } from './schema';

/**
 * "Data as of": how current a dashboard's numbers are. The ETL log (`etl_runs`) records each run
 * by its landing contract (`target`); a contract names the table its rows land in. For each fact
 * table a dashboard reads, the latest successful run that loaded it ended at some moment; the
 * dashboard is as of the earliest of those moments, since every number it shows is at least that
 * fresh and one of them is no fresher. Failed runs do not count (they rolled back). A successful
 * run that found nothing new does count: it confirmed the table was current then.
 *
 * With `now` (the warehouse clock: RAPPORT_NOW, or the demo's export moment) the answer is never
 * later than it: the demo's files, loaded today, hold data as of the day they were exported.
 */

/** The star-schema fact tables, from the landing contracts that fill them. */
export const FACT_TABLES: readonly string[] = CONTRACTS.filter((c) => c.kind === 'fact').map((c) => c.table);

const TARGETS_OF = new Map<string, string[]>();
for (const c of CONTRACTS) TARGETS_OF.set(c.table, [...(TARGETS_OF.get(c.table) ?? []), c.name]);

/** A timestamp column value (UTC, no zone) as ISO 8601 with `Z`. */
function iso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value).replace(' ', 'T');
  return new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`).toISOString();
}

/**
 * The end of the last successful ETL load of each of `tables`, the earliest of them, as ISO 8601
 * (UTC); null when none of them was ever loaded. Tables no landing contract fills (dim_date,
 * a view) are ignored, as are tables never loaded.
 */
export async function dataAsOf(
  engine: Engine,
  tables: readonly string[],
  now?: Date,
): Promise<string | null> {
  const targets = [...new Set(tables.flatMap((t) => TARGETS_OF.get(t) ?? []))];
  if (targets.length === 0) return null;
  const r = await engine.query(sql`
    SELECT min(last_end) AS as_of FROM (
      SELECT target, max(coalesce(finished_at, started_at)) AS last_end FROM etl_runs
      WHERE status = 'succeeded' AND target IN (${list(targets.map((t) => param(t)))})
      GROUP BY target)`);
  const v = r.rows[0]?.['as_of'];
  if (v === null || v === undefined) return null;
  const at = iso(v);
  return now !== undefined && now.toISOString() < at ? now.toISOString() : at;
}

/** Every `cube.member` string anywhere in a value (a report's parameters name measures, events' cubes). */
function membersIn(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    const name = value.split('.').slice(0, 2).join('.');
    if (splitMemberName(name)) out.add(name);
  } else if (Array.isArray(value)) for (const v of value) membersIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) membersIn(v, out);
}

function tableOfCube(model: Model, cube: string): string | undefined {
  const c = model.cubes.get(cube);
  return c?.source.kind === 'table' ? c.source.path.at(-1) : undefined;
}

/**
 * The fact tables a tile reads: the tables of the cubes its query (or its report's parameters and
 * time member) names. A report tile that names no member reads facts the report chooses itself,
 * so it counts as reading all of them: the date then errs on the old side, never the new.
 */
export function tileFactTables(model: Model, tile: Tile): string[] {
  const members = new Set<string>();
  membersIn(tile.query ?? tile.params, members);
  if (tile.time) membersIn(tile.time, members);
  const tables = new Set<string>();
  for (const m of members) {
    const t = tableOfCube(model, splitMemberName(m)![0]);
    if (t && FACT_TABLES.includes(t)) tables.add(t);
  }
  if (tables.size === 0 && tile.report !== undefined) return [...FACT_TABLES];
  return [...tables].sort();
}

/** The fact tables of every tile of a dashboard, sorted. */
export function dashboardFactTables(model: Model, dashboard: Pick<Dashboard, 'tiles'>): string[] {
  return [...new Set(dashboard.tiles.flatMap((t) => tileFactTables(model, t)))].sort();
}
