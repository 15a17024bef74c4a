import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { AppContext } from '../deps';
import { assertPivots, queryInput, within } from '../query-input';
import { parseInput } from '../validate';

const ARROW = 'application/vnd.apache.arrow.stream';

/** JSON unless the client asks for Arrow or CSV (by `format` or by Accept). */
export function negotiate(
  request: FastifyRequest,
  format?: 'json' | 'csv' | 'arrow',
): 'json' | 'csv' | 'arrow' {
  if (format) return format;
  const accept = request.headers.accept ?? '';
  if (accept.includes(ARROW)) return 'arrow';
  if (accept.includes('text/csv')) return 'csv';
  if (accept === '' || accept.includes('json') || accept.includes('*/*')) return 'json';
  throw new AppError(
    'NOT_ACCEPTABLE',
    `cannot answer ${accept}; ask for application/json, text/csv or ${ARROW}`,
  );
}

/**
 * Answers a load: JSON in Cube's shape (the multi shape when asked, or when the query is a
 * compareDateRange or a list), or a stream of Arrow or CSV straight out of DuckDB. A query
 * still running after `continueWaitMs` answers "Continue wait" and keeps running; the client
 * asks again and gets the cached result.
 */
export async function answerLoad(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const input = queryInput(request);
  const format = negotiate(request, input.format);
  if (format !== 'json') {
    const stream = await ctx.queries.stream(input.query, format);
    return reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : ARROW)
      .header('content-disposition', `inline; filename="query.${format === 'csv' ? 'csv' : 'arrow'}"`)
      .send(Readable.from(stream));
  }
  const prepared = ctx.queries.prepare(input.query);
  assertPivots(prepared);
  const fresh = input.cache === 'no-cache' || input.cache === 'must-revalidate';
  const key = ctx.queries.responseKey(input.query, prepared, input.multi ? 'multi' : 'single');
  const cached = fresh ? undefined : ctx.queries.cachedResponse(key);
  if (cached !== undefined) return reply.type('application/json; charset=utf-8').send(cached);
  const wait = ctx.continueWaitMs ?? 10_000;
  const executed = await within(ctx.queries.execute(prepared, { cache: input.cache }), wait);
  if (!executed) return reply.send({ error: 'Continue wait', stage: 'Executing query', timeElapsed: wait });
  const response = ctx.queries.respond(prepared, executed);
  const body = JSON.stringify(
    input.multi || response.queryType !== 'regularQuery' ? response : response.results[0],
  );
  ctx.queries.storeResponse(key, body);
  return reply.type('application/json; charset=utf-8').send(body);
}

/** The SQL of a query, refused as a load would refuse it (a pivot outside the query too). */
export function sqlOf(ctx: AppContext, query: unknown) {
  assertPivots(ctx.queries.prepare(query));
  return ctx.queries.sql(query);
}

/** Cube's dry run of a query, refused as a load would refuse it. */
export function dryRunOf(ctx: AppContext, query: unknown) {
  assertPivots(ctx.queries.prepare(query));
  return ctx.queries.dryRun(query);
}

const DrillBody = z
  .object({ query: z.unknown(), member: z.string().min(1), row: z.record(z.string(), z.unknown()) })
  .strict();

export async function queryRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/v1/meta', async () => ctx.queries.meta());
  app.get('/v1/query', (request, reply) => answerLoad(ctx, request, reply));
  app.post('/v1/query', (request, reply) => answerLoad(ctx, request, reply));
  app.post('/v1/sql', async (request) => sqlOf(ctx, queryInput(request).query));
  app.get('/v1/sql', async (request) => sqlOf(ctx, queryInput(request).query));
  app.post('/v1/drill', async (request) => {
    const body = parseInput(DrillBody, request.body, 'body');
    return { query: ctx.queries.drill(body.query, body.member, body.row) };
  });
}
