import { join, relative } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { allJobs, EtlScheduler, findJob, type Job, resolveJob, type SchedulerEvent } from '../../etl';
import { sql } from '../../sql';
import type { AppContext } from '../deps';
import { parseInput } from '../validate';

const RunsQuery = z
  .object({
    job: z.string().min(1).optional(),
    status: z.enum(['succeeded', 'failed']).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(100),
  })
  .strict();

const RejectsQuery = z
  .object({
    job: z.string().min(1).optional(),
    reason: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(100),
  })
  .strict();

const RunBody = z.object({ job: z.string().min(1) }).strict();
const JobParams = z.object({ name: z.string().min(1) }).strict();

function logEvent(app: FastifyInstance, e: SchedulerEvent): void {
  if (e.kind === 'succeeded')
    app.log.info({ job: e.job, attempt: e.attempt, run: e.record.run_id }, 'scheduled ETL run succeeded');
  else if (e.kind === 'failed')
    app.log.warn(
      { job: e.job, attempt: e.attempt, retryInMs: e.retryInMs, err: e.error.message },
      'scheduled ETL run failed',
    );
  else app.log.info({ job: e.job }, 'scheduled ETL run skipped: the previous run is still going');
}

/** The jobs with a schedule; a broken job file is logged and schedules nothing (see `rapport check`). */
function scheduledJobs(app: FastifyInstance, root: string): Job[] {
  try {
    return allJobs(root).filter((j) => j.definition.schedule);
  } catch (e) {
    app.log.error({ err: (e as Error).message }, 'ETL schedules not started: a job file does not load');
    return [];
  }
}

export async function etlRoutes(app: FastifyInstance, deps: AppContext): Promise<void> {
  // Schedules start only where asked (rapport serve/start); every app can still run jobs by hand
  // through the same guard against overlapping runs.
  const scheduler = new EtlScheduler({
    engine: deps.engine,
    root: deps.root,
    jobs: deps.schedules ? scheduledJobs(app, deps.root) : [],
    onEvent: (e) => logEvent(app, e),
    afterRun: () => deps.refreshVersion(),
  });
  scheduler.start();
  app.addHook('onClose', () => scheduler.stop());

  app.get('/v1/etl/runs', async (request) => {
    const q = parseInput(RunsQuery, request.query, 'query string');
    const r = await deps.engine.query(sql`
      SELECT * FROM etl_runs
      WHERE (${q.job ?? null}::VARCHAR IS NULL OR job = ${q.job ?? null})
        AND (${q.status ?? null}::VARCHAR IS NULL OR status = ${q.status ?? null})
      ORDER BY run_id DESC LIMIT ${q.limit}`);
    return { data: r.rows };
  });

  app.get('/v1/etl/rejects', async (request) => {
    const q = parseInput(RejectsQuery, request.query, 'query string');
    const r = await deps.engine.query(sql`
      SELECT run_id, job, source, line, reason, field, message, raw FROM etl_rejects
      WHERE (${q.job ?? null}::VARCHAR IS NULL OR job = ${q.job ?? null})
        AND (${q.reason ?? null}::VARCHAR IS NULL OR reason = ${q.reason ?? null})
      ORDER BY run_id DESC, source, line LIMIT ${q.limit}`);
    return { data: r.rows };
  });

  app.get('/v1/etl/jobs', async () => {
    const last = await deps.engine.query(sql`
      SELECT job, run_id, status, CAST(finished_at AS VARCHAR) AS finished_at FROM etl_runs
      QUALIFY row_number() OVER (PARTITION BY job ORDER BY run_id DESC) = 1`);
    const lastRun = new Map(last.rows.map((r) => [String(r['job']), r]));
    return {
      data: allJobs(deps.root).map((job) => {
        const name = job.definition.name;
        const run = lastRun.get(name);
        return {
          name,
          file: relative(deps.root, job.file),
          target: job.definition.target,
          source: job.definition.source,
          incremental: job.definition.incremental ?? null,
          schedule: job.definition.schedule ?? null,
          next_run: scheduler.nextRun(name),
          running: scheduler.isRunning(name),
          last_run: run
            ? { run_id: run['run_id'], status: run['status'], finished_at: run['finished_at'] }
            : null,
        };
      }),
    };
  });

  app.post('/v1/etl/jobs/:name/run', async (request, reply) => {
    const { name } = parseInput(JobParams, request.params, 'path');
    const record = await scheduler.runNow(findJob(deps.root, name));
    await deps.refreshVersion();
    return reply.status(201).send(record);
  });

  app.post('/v1/etl/runs', async (request, reply) => {
    const body = parseInput(RunBody, request.body, 'body');
    // A file path, as before, or a job name in either job folder.
    const job =
      body.job.includes('/') || /\.ya?ml$/.test(body.job)
        ? resolveJob(body.job, join(deps.root, 'etl', 'jobs'))
        : findJob(deps.root, body.job);
    const record = await scheduler.runNow(job);
    await deps.refreshVersion();
    return reply.status(201).send(record);
  });
}
