import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../deps';
import { queryInput } from '../query-input';
import { answerLoad, dryRunOf, sqlOf } from './query';

/**
 * Cube's REST API under its own prefix, so that existing clients (`@cubejs-client/core`,
 * Cube's playground habits, curl scripts) work unchanged.
 */
export async function cubeCompatRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const prefix = '/cubejs-api/v1';
  app.get(`${prefix}/load`, (request, reply) => answerLoad(ctx, request, reply));
  app.post(`${prefix}/load`, (request, reply) => answerLoad(ctx, request, reply));
  // Over HTTP a subscription is a load the client repeats (Cube serves it the same way).
  app.get(`${prefix}/subscribe`, (request, reply) => answerLoad(ctx, request, reply));
  app.post(`${prefix}/subscribe`, (request, reply) => answerLoad(ctx, request, reply));
  app.get(`${prefix}/meta`, async () => ctx.queries.meta());
  const sql = async (request: Parameters<typeof queryInput>[0]) => {
    const r = sqlOf(ctx, queryInput(request).query);
    const one = (q: (typeof r.queries)[number]) => ({ sql: { sql: q.sql, order: q.order, limit: q.limit } });
    return r.queryType === 'regularQuery' ? one(r.queries[0]!) : r.queries.map(one);
  };
  app.get(`${prefix}/sql`, sql);
  app.post(`${prefix}/sql`, sql);
  app.get(`${prefix}/dry-run`, async (request) => dryRunOf(ctx, queryInput(request).query));
  app.post(`${prefix}/dry-run`, async (request) => dryRunOf(ctx, queryInput(request).query));
}
