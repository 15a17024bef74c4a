import { join } from 'node:path';
import type { Command } from 'commander';
import { type RunRecord, runJob, STEPS, selectJobs } from '../../etl';
import { sql } from '../../sql';
import { projectRoot, withWarehouse } from '../context';
import { progress } from '../progress';
import { formatTable } from '../table';

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

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerEtl(program: Command): void {
  const etl = program.command('etl').description('load source files into the warehouse and inspect loads');

  etl
    .command('run')
    .description('run ETL jobs (each in one transaction) and print a summary')
    .option(
      '-j, --job <name|file|glob>',
      'a job name, a glob such as demo-*, or a job file (repeatable)',
      collect,
      [],
    )
    .option('-a, --all', 'run every job in etl/jobs, dimensions first (not etl/jobs-sources: name those)')
    .option('--db <path>', 'warehouse file (default data/warehouse.duckdb or $RAPPORT_DB)')
    .option('--json', 'print the run records as JSON instead of a table')
    .action(async (opts: { job: string[]; all?: boolean; db?: string; json?: boolean }) => {
      if (opts.job.length === 0 && !opts.all)
        throw new Error('name at least one job with --job, or use --all');
      const root = projectRoot();
      const jobs = selectJobs(opts.job, opts.all ?? false, [
        join(root, 'etl', 'jobs'),
        join(root, 'etl', 'jobs-sources'),
      ]);
      const records = await withWarehouse(opts.db, (engine) => runJobsWithProgress(engine, jobs, root));
      if (opts.json) console.log(JSON.stringify(records, null, 2));
      else console.log(formatTable(records as unknown as Record<string, unknown>[], SUMMARY_COLUMNS));
    });

  etl
    .command('status')
    .description('the latest run of every job, and the size of every warehouse table')
    .option('--db <path>', 'warehouse file')
    .option('--json', 'print JSON')
    .action(async (opts: { db?: string; json?: boolean }) => {
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
    });

  etl
    .command('rejects')
    .description('rows quarantined by ETL jobs, newest first')
    .option('-j, --job <name>', 'only this job')
    .option('-r, --reason <code>', 'only this reason code')
    .option('-l, --limit <n>', 'at most n rows', '20')
    .option('--db <path>', 'warehouse file')
    .option('--json', 'print JSON')
    .action(async (opts: { job?: string; reason?: string; limit: string; db?: string; json?: boolean }) => {
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
    });
}

/** Runs jobs one after another with a progress bar; stops at the first failure. */
export async function runJobsWithProgress(
  engine: Parameters<typeof runJob>[1]['engine'],
  jobs: ReturnType<typeof selectJobs>,
  root: string,
): Promise<RunRecord[]> {
  const bar = progress(jobs.length * STEPS.length, 'etl');
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
