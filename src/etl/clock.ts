import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../engine';

/** Where "now" comes from, said in words on every entry point that reads relative dates. */
export interface WarehouseClock {
  readonly now: () => Date;
  readonly source: 'RAPPORT_NOW' | 'demo export' | 'real time';
  /** The pinned instant, for `RAPPORT_NOW` and the demo's export moment. */
  readonly at?: Date;
}

/** `RAPPORT_NOW` read as an instant (a bare date is midnight UTC), or undefined when unset. */
export function pinnedNow(value: string | undefined): Date | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(+at)) throw new Error(`RAPPORT_NOW must be an ISO date or timestamp, got "${value}"`);
  return at;
}

/**
 * The demo company's export moment (the day after its last day) when every successful load
 * into the warehouse came from the demo jobs: a warehouse that holds only the demo is read as
 * of the day its files were exported, so its "this month" and "last 12 months" hold data.
 */
export async function demoExportMoment(engine: Engine, root: string): Promise<Date | undefined> {
  const { rows } = await engine.query(
    "SELECT count(*) FILTER (WHERE job NOT LIKE 'demo-%') AS other, count(*) AS runs FROM etl_runs WHERE status = 'succeeded'",
  );
  if (Number(rows[0]?.['runs'] ?? 0) === 0 || Number(rows[0]?.['other'] ?? 0) > 0) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'fixtures', 'demo', 'MANIFEST.json'), 'utf8'));
    const end = new Date(`${manifest.options.end}T00:00:00Z`);
    return Number.isNaN(+end) ? undefined : new Date(end.getTime() + 86_400_000);
  } catch {
    return undefined;
  }
}

/**
 * The one rule for "now", shared by the server, every CLI command, reports, dashboards,
 * segments and Customer 360: `RAPPORT_NOW` when set, else the warehouse's own moment (a
 * warehouse holding only the demo is read at the demo's export moment), else the real time.
 */
export async function warehouseClock(
  engine: Engine,
  root: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<WarehouseClock> {
  const pinned = pinnedNow(env['RAPPORT_NOW']);
  if (pinned) return { now: () => pinned, source: 'RAPPORT_NOW', at: pinned };
  const demo = await demoExportMoment(engine, root);
  if (demo) return { now: () => demo, source: 'demo export', at: demo };
  return { now: () => new Date(), source: 'real time' };
}

/** "2026-07-01T00:00:00.000Z (demo export)" or "real time": for logs and banners. */
export function describeClock(c: WarehouseClock): string {
  return c.at ? `${c.at.toISOString()} (${c.source})` : 'real time';
}
