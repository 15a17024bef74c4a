import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadDashboards } from '../../dashboards/load';
import type { Dashboard } from '../../dashboards/schema';
import { type Asset, clientBundle } from '../../dashboards/web/assets/client-bundle';
import { vendorScript } from '../../dashboards/web/assets/vendor';
import { customerPage, customersPage } from '../../dashboards/web/pages/customer-pages';
import { dashboardPage } from '../../dashboards/web/pages/dashboard-page';
import { explorePage } from '../../dashboards/web/pages/explore-page';
import { indexPage } from '../../dashboards/web/pages/index-page';
import { insightsPage } from '../../dashboards/web/pages/insights-page';
import { messagePage } from '../../dashboards/web/pages/message-page';
import { targetGroupsPage } from '../../dashboards/web/pages/target-groups-page';
import type { DashboardPageData } from '../../dashboards/web/shared/page-data';
import { ConfigError } from '../../errors';
import type { AppContext } from '../deps';

const HTML = 'text/html; charset=utf-8';

function pageData(d: Dashboard): DashboardPageData {
  return {
    id: d.id,
    title: d.title,
    description: d.description,
    filters: d.filters,
    tiles: d.tiles.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      chart: t.chart ?? 'custom',
      width: t.width,
      height: t.height,
    })),
  };
}

/** Answers an asset, or 304 when the browser already holds this version (ETag). */
function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, type: string) {
  reply.header('etag', asset.etag).header('cache-control', 'no-cache');
  if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  return reply.type(type).send(asset.body);
}

/** The web app: `/`, `/dashboards/:id`, `/explore`, `/customers/:id` and their assets. */
export async function webRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const dashboardsDir = join(ctx.root, 'dashboards');
  // A broken dashboard file becomes a readable page, not a bare 500.
  const load = (): { dashboards: Dashboard[]; error?: string } => {
    try {
      return { dashboards: loadDashboards(dashboardsDir) };
    } catch (e) {
      if (e instanceof ConfigError) return { dashboards: [], error: e.message };
      throw e;
    }
  };

  app.get('/', async (_request, reply) => {
    const { dashboards, error } = load();
    const summaries = dashboards.map((d) => ({
      id: d.id,
      title: d.title,
      description: d.description,
      tiles: d.tiles.length,
    }));
    return reply.type(HTML).send(indexPage(summaries, error));
  });

  app.get('/dashboards', async (_request, reply) => reply.redirect('/'));

  app.get<{ Params: { id: string } }>('/dashboards/:id', async (request, reply) => {
    const { dashboards, error } = load();
    if (error) {
      return reply
        .status(500)
        .type(HTML)
        .send(messagePage({ status: 500, heading: 'Dashboards failed to load', detail: error }));
    }
    const dashboard = dashboards.find((d) => d.id === request.params.id);
    if (!dashboard) {
      return reply
        .status(404)
        .type(HTML)
        .send(
          messagePage({
            status: 404,
            heading: `No dashboard "${request.params.id}"`,
            hint: 'It may have been renamed or removed. Pick one from the list of dashboards.',
          }),
        );
    }
    return reply.type(HTML).send(dashboardPage(pageData(dashboard)));
  });

  app.get('/explore', async (_request, reply) => reply.type(HTML).send(explorePage()));
  app.get('/insights', async (_request, reply) => reply.type(HTML).send(insightsPage()));
  app.get<{ Querystring: { search?: string } }>('/target-groups', async (request, reply) =>
    reply.type(HTML).send(targetGroupsPage({ search: String(request.query.search ?? '').trim() })),
  );

  app.get<{ Querystring: { search?: string } }>('/customers', async (request, reply) =>
    reply.type(HTML).send(customersPage({ search: String(request.query.search ?? '').trim() })),
  );

  app.get<{ Params: { id: string } }>('/customers/:id', async (request, reply) =>
    reply.type(HTML).send(customerPage({ customerId: request.params.id })),
  );

  app.get('/assets/app.js', async (request, reply) =>
    sendAsset(request, reply, (await clientBundle()).script, 'text/javascript; charset=utf-8'),
  );
  app.get('/assets/app.css', async (request, reply) =>
    sendAsset(request, reply, (await clientBundle()).styles, 'text/css; charset=utf-8'),
  );

  app.get<{ Params: { file: string } }>('/assets/vendor/:file', async (request, reply) => {
    const bytes = vendorScript(request.params.file);
    if (!bytes) {
      return reply
        .status(404)
        .send({ code: 'NOT_FOUND', message: `no vendor asset "${request.params.file}"` });
    }
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(bytes);
  });
}
