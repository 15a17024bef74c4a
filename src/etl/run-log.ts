import type { Engine, Session } from '../engine';
import { sql } from '../sql';

/** What `etl_runs` records of one run. Invariant: read = inserted + updated + unchanged + rejected + duplicates. */
export interface RunRecord {
  run_id: number;
  job: string;
  target: string;
  source: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  status: 'succeeded' | 'failed';
  rows_read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  duplicates: number;
  placeholders: number;
  watermark: string | null;
  changed: boolean;
  error: string | null;
}

export async function nextRunId(session: Session | Engine): Promise<number> {
  const r = await session.query('SELECT coalesce(max(run_id), 0) + 1 AS id FROM etl_runs');
  return Number(r.rows[0]?.['id'] ?? 1);
}

export async function writeRunRecord(session: Session | Engine, r: RunRecord): Promise<void> {
  await session.exec(sql`
    INSERT INTO etl_runs (run_id, job, target, source, started_at, finished_at, duration_ms, status, rows_read,
                          inserted, updated, unchanged, rejected, duplicates, placeholders, watermark, changed, error)
    VALUES (${r.run_id}, ${r.job}, ${r.target}, ${r.source}, CAST(${r.started_at} AS TIMESTAMP),
            CAST(${r.finished_at} AS TIMESTAMP), ${r.duration_ms}, ${r.status}, ${r.rows_read}, ${r.inserted},
            ${r.updated}, ${r.unchanged}, ${r.rejected}, ${r.duplicates}, ${r.placeholders}, ${r.watermark},
            ${r.changed}, ${r.error})`);
}

export async function readWatermark(session: Session, job: string, key: string): Promise<string | undefined> {
  const r = await session.query(sql`SELECT value FROM etl_watermarks WHERE job = ${job} AND key = ${key}`);
  const v = r.rows[0]?.['value'];
  return v === undefined || v === null ? undefined : String(v);
}

/** Stores the watermark only when it moved, so that a rerun leaves the table as it was. */
export async function writeWatermark(
  session: Session,
  job: string,
  key: string,
  value: string,
  runId: number,
  now: string,
): Promise<void> {
  const current = await readWatermark(session, job, key);
  if (current === value) return;
  await session.exec(sql`DELETE FROM etl_watermarks WHERE job = ${job} AND key = ${key}`);
  await session.exec(sql`
    INSERT INTO etl_watermarks VALUES (${job}, ${key}, ${value}, ${runId}, CAST(${now} AS TIMESTAMP))`);
}

/** The data version of the warehouse: the last run that changed data (0 for none). */
export async function warehouseVersion(engine: Engine | Session): Promise<number> {
  const r = await engine.query('SELECT coalesce(max(run_id), 0) AS v FROM etl_runs WHERE changed');
  return Number(r.rows[0]?.['v'] ?? 0);
}
