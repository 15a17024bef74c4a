import { join } from 'node:path';
import { type RunRecord, runJob, STEPS, selectJobs } from '../../etl';
import { sql } from '../../sql';
import { formatTable } from '../../util/text-table';
import { projectRoot, withWarehouse } from '../context';
import { progress } from '../progress';

export interface RunOptions {
  job: string[];
  all?: boolean;
  db?: string;
  json?: boolean;
}

export interface RejectsOptions {
  job?: string;
  reason?: string;
  limit: string;
  db?: string;
  json?: boolean;
}

const SUMMARY_COLUMNS = [
  'run_id',
  'job',
  'status',
  'rows_read',
  'inserted',
  'updated',
  'unchanged',
  'rejected',
  'duplicates',
  'placeholders',
  'duration_ms',
];

export async function run(opts: RunOptions): Promise<void> {
  if (opts.job.length === 0 && !opts.all) throw new Error('name at least one job with --job, or use --all');
  const root = projectRoot();
  const jobs = selectJobs(opts.job, opts.all ?? false, [
    join(root, 'etl', 'jobs'),
    join(root, 'etl', 'jobs-sources'),
  ]);
  const records = await withWarehouse(opts.db, (engine) => runJobsWithProgress(engine, jobs, root));
  if (opts.json) console.log(JSON.stringify(records, null, 2));
  else console.log(formatTable(records as unknown as Record<string, unknown>[], SUMMARY_COLUMNS));
}

export async function status(opts: { db?: string; json?: boolean }): Promise<void> {
  await withWarehouse(opts.db, async (engine) => {
    const runs = await engine.query(`
      SELECT run_id, job, target, status, finished_at, rows_read, inserted, updated, unchanged, rejected,
             duplicates, duration_ms, error
      FROM etl_runs QUALIFY row_number() OVER (PARTITION BY job ORDER BY run_id DESC) = 1 ORDER BY job`);
    const tables = await engine.query(
      'SELECT table_name AS "table", estimated_size AS rows FROM duckdb_tables() WHERE schema_name = \'main\' AND NOT temporary ORDER BY table_name',
    );
    if (opts.json) {
      console.log(JSON.stringify({ runs: runs.rows, tables: tables.rows }, null, 2));
      return;
    }
    console.log(formatTable(runs.rows));
    console.log();
    console.log(formatTable(tables.rows));
  });
}

export async function rejects(opts: RejectsOptions): Promise<void> {
  const limit = Number.parseInt(opts.limit, 10);
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`--limit must be a positive integer, got ${opts.limit}`);
  await withWarehouse(opts.db, async (engine) => {
    const r = await engine.query(sql`
      SELECT run_id, job, source, line, reason, field, message, raw FROM etl_rejects
      WHERE (${opts.job ?? null}::VARCHAR IS NULL OR job = ${opts.job ?? null})
        AND (${opts.reason ?? null}::VARCHAR IS NULL OR reason = ${opts.reason ?? null})
      ORDER BY run_id DESC, source, line LIMIT ${limit}`);
    const summary = await engine.query(sql`
      SELECT job, reason, count(*) AS rows FROM etl_rejects
      WHERE (${opts.job ?? null}::VARCHAR IS NULL OR job = ${opts.job ?? null}) GROUP BY ALL ORDER BY job, rows DESC`);
    if (opts.json) {
      console.log(JSON.stringify({ summary: summary.rows, rejects: r.rows }, null, 2));
      return;
    }
    console.log(formatTable(summary.rows));
    console.log();
    console.log(formatTable(r.rows, ['run_id', 'job', 'line', 'reason', 'field', 'message']));
  });
}

/**
 * Runs jobs one after another with a progress bar. `perJob`: off a terminal, one line per job
 * rather than one per step.
 */
export async function runJobsWithProgress(
  engine: Parameters<typeof runJob>[1]['engine'],
  jobs: ReturnType<typeof selectJobs>,
  root: string,
  options: { perJob?: boolean; title?: string } = {},
): Promise<RunRecord[]> {
  const steps = STEPS.length;
  const bar = progress(
    jobs.length * steps,
    options.title ?? 'etl',
    options.perJob
      ? {
          lineOf: (done, _, label) =>
            done >= jobs.length * steps
              ? undefined
              : `${options.title ?? 'etl'}: job ${Math.floor(done / steps) + 1} of ${jobs.length}, ${label.split(':')[0]}`,
        }
      : {},
  );
  const records: RunRecord[] = [];
  try {
    for (const [i, job] of jobs.entries()) {
      const record = await runJob(job, {
        engine,
        root,
        onStep: (step, index) => bar.update(i * STEPS.length + index, `${job.definition.name}: ${step}`),
      });
      records.push(record);
    }
    bar.update(jobs.length * STEPS.length, 'done');
  } finally {
    bar.stop();
  }
  return records;
}
