import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { readAhead } from '../../cube';
import { loadDashboards } from '../../dashboards/load';
import { AppError } from '../../errors';
import type { ReportContext } from '../../reports/common/context';
import type { ListedValues } from '../../reports/common/definition';
import { REPORTS } from '../../reports/registry';
import { runReport } from '../../reports/run';
import { assertMayListValues } from '../auth/values';
import type { AppContext } from '../deps';
import { negotiate } from './query';

export function reportContext(ctx: AppContext): ReportContext {
  // A getter: contexts built once (Customer 360) still read the requesting user's model.
  return {
    // Reports read the warehouse and write application state (segments, target groups) to DuckDB.
    engine: ctx.warehouse,
    state: ctx.engine,
    get model() {
      return ctx.model;
    },
    now: ctx.now ?? (() => new Date()),
    computeTimeoutMs: ctx.limits.queryTimeoutMs,
    dataVersion: ctx.version,
  };
}

/**
 * The context of saved segments and target groups: their tables are application state, in the
 * DuckDB, and their members are computed there too (DuckDB holds the whole star schema) until
 * they are ported to `ctx.state` and the dialect.
 */
export function stateReportContext(ctx: AppContext): ReportContext {
  return { ...reportContext(ctx), engine: ctx.engine };
}

const ARROW = 'application/vnd.apache.arrow.stream';

/** `POST /v1/reports/:name` with the parameters as the JSON body; CSV or Arrow by Accept. */
export async function reportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const dashboards = join(ctx.root, 'dashboards');
  app.get('/v1/reports', async () => ({
    data: [...REPORTS.values()].map((r) => ({
      name: r.name,
      description: r.description,
      streams: r.table !== undefined,
    })),
  }));
  app.post<{ Params: { name: string } }>('/v1/reports/:name', async (request, reply) => {
    const format = negotiate(request);
    // A parameter whose values become output (a breakdown, per-customer rows) follows the rule
    // of GET /v1/meta/values: executives list the dimensions of dashboard filters only.
    const mayList = ({ member, because }: ListedValues) => {
      try {
        assertMayListValues(member, () => loadDashboards(dashboards));
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        throw new AppError(e.code, `${e.message} (${request.params.name} ${because})`, e.details);
      }
    };
    const result = await runReport(
      reportContext(ctx),
      request.params.name,
      request.body ?? {},
      format,
      mayList,
    );
    if (format === 'json') {
      const rows = result.output!.rows.data.length;
      if (rows > ctx.limits.maxRows) {
        throw new AppError(
          'ROW_LIMIT_EXCEEDED',
          `the report has ${rows} rows, more than the ${ctx.limits.maxRows} a JSON answer may carry; ask for text/csv or ${ARROW}`,
          { maxRows: ctx.limits.maxRows, rows },
        );
      }
      return result.output!.json;
    }
    // Started before any header is set, so a timeout or the export cap answers with its status.
    const stream = await readAhead(result.stream!);
    return reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : ARROW)
      .header('content-disposition', `attachment; filename="${request.params.name}.${format}"`)
      .send(Readable.from(stream));
  });
}
