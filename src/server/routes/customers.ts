import type { FastifyInstance } from 'fastify';
import { dashboardClustering } from '../../dashboards/clustering';
import { warehouseVersion } from '../../etl';
import { assertReportRunsOn } from '../../reports/common/definition';
import { Customer360, DetailParamsSchema, SearchParamsSchema } from '../../reports/customer360';
import type { AppContext } from '../deps';
import { parseInput } from '../validate';
import { reportContext } from './reports';

/** Customer 360: `GET /v1/customers?search=` and `GET /v1/customers/:id`. */
export async function customerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // One per app: it keeps the whole-population parts (RFM ranking, cluster fit) per warehouse
  // version, read from the run log on each request so that loads by the CLI count too.
  // Customer 360's SQL is DuckDB's until it is ported: on another warehouse engine it answers
  // REPORT_ENGINE_UNSUPPORTED instead of sending DuckDB text there.
  const supported = () => assertReportRunsOn({ name: 'customer360' }, { engine: ctx.warehouse });
  const customers = new Customer360(reportContext(ctx), {
    version: () => warehouseVersion(ctx.engine),
    clustering: dashboardClustering(ctx.root)?.params,
  });
  app.get('/v1/customers', async (request) => {
    supported();
    return customers.search(parseInput(SearchParamsSchema, request.query, 'query string'));
  });
  app.get<{ Params: { id: string } }>('/v1/customers/:id', async (request) => {
    supported();
    return customers.detail(request.params.id, parseInput(DetailParamsSchema, request.query, 'query string'));
  });
}
