import { join, relative } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listJobFiles, loadJobFile, resolveJob, runJob } from '../../etl';
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

export async function etlRoutes(app: FastifyInstance, deps: AppContext): Promise<void> {
  const jobsDir = join(deps.root, 'etl', 'jobs');

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

  app.get('/v1/etl/jobs', async () => ({
    data: listJobFiles(jobsDir).map((file) => {
      const job = loadJobFile(file);
      return {
        name: job.definition.name,
        file: relative(deps.root, file),
        target: job.definition.target,
        source: job.definition.source,
        incremental: job.definition.incremental ?? null,
      };
    }),
  }));

  app.post('/v1/etl/runs', async (request, reply) => {
    const body = parseInput(RunBody, request.body, 'body');
    const job = resolveJob(body.job, jobsDir);
    const record = await runJob(job, { engine: deps.engine, root: deps.root });
    await deps.refreshVersion();
    return reply.status(201).send(record);
  });
}
