import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ReportContext } from '../../reports/common/context';
import { REPORTS } from '../../reports/registry';
import { runReport } from '../../reports/run';
import type { AppContext } from '../deps';
import { negotiate } from './query';

export function reportContext(ctx: AppContext): ReportContext {
  return { engine: ctx.engine, model: ctx.model, now: ctx.now ?? (() => new Date()) };
}

const ARROW = 'application/vnd.apache.arrow.stream';

/** `POST /v1/reports/:name` with the parameters as the JSON body; CSV or Arrow by Accept. */
export async function reportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/v1/reports', async () => ({
    data: [...REPORTS.values()].map((r) => ({
      name: r.name,
      description: r.description,
      streams: r.table !== undefined,
    })),
  }));
  app.post<{ Params: { name: string } }>('/v1/reports/:name', async (request, reply) => {
    const format = negotiate(request);
    const result = await runReport(reportContext(ctx), request.params.name, request.body ?? {}, format);
    if (format === 'json') return result.output!.json;
    return reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : ARROW)
      .header('content-disposition', `attachment; filename="${request.params.name}.${format}"`)
      .send(Readable.from(result.stream!));
  });
}
