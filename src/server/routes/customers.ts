import type { FastifyInstance } from 'fastify';
import { dashboardClustering } from '../../dashboards/clustering';
import { warehouseVersion } from '../../etl';
import { Customer360, DetailParamsSchema, SearchParamsSchema } from '../../reports/customer360';
import type { AppContext } from '../deps';
import { parseInput } from '../validate';
import { reportContext } from './reports';

/** Customer 360: `GET /v1/customers?search=` and `GET /v1/customers/:id`. */
export async function customerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // One per app: it keeps the whole-population parts (RFM ranking, cluster fit) per warehouse
  // version, read from the run log on each request so that loads by the CLI count too.
  // Search runs on every warehouse engine; the customer page answers REPORT_ENGINE_UNSUPPORTED
  // where the reports behind its RFM, cluster and CLV sections do not run (Customer360.detail).
  const customers = new Customer360(reportContext(ctx), {
    version: () => warehouseVersion(ctx.engine),
    clustering: dashboardClustering(ctx.root)?.params,
  });
  app.get('/v1/customers', async (request) => {
    return customers.search(parseInput(SearchParamsSchema, request.query, 'query string'));
  });
  app.get<{ Params: { id: string } }>('/v1/customers/:id', async (request) => {
    return customers.detail(request.params.id, parseInput(DetailParamsSchema, request.query, 'query string'));
  });
}
