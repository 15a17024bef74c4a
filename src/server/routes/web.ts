import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dashboardFactTables, dataAsOf } from '../../dashboards/data-as-of';
import type { Dashboard } from '../../dashboards/schema';
import { type Asset, clientBundle } from '../../dashboards/web/assets/client-bundle';
import { vendorScript } from '../../dashboards/web/assets/vendor';
import { builderPage } from '../../dashboards/web/pages/builder-page';
import { customerPage, customersPage } from '../../dashboards/web/pages/customer-pages';
import { dashboardPage } from '../../dashboards/web/pages/dashboard-page';
import { explorePage } from '../../dashboards/web/pages/explore-page';
import { indexPage } from '../../dashboards/web/pages/index-page';
import { insightsPage } from '../../dashboards/web/pages/insights-page';
import { messagePage } from '../../dashboards/web/pages/message-page';
import { targetGroupsPage } from '../../dashboards/web/pages/target-groups-page';
import type { TileDefinition } from '../../dashboards/web/shared/builder-data';
import type { DashboardPageData } from '../../dashboards/web/shared/page-data';
import { ConfigError } from '../../errors';
import type { AppContext } from '../deps';
import { reportContext } from './reports';
import { dashboardCatalog } from './user-dashboards';

const HTML = 'text/html; charset=utf-8';

function pageData(d: Dashboard, asOf: string | null): DashboardPageData {
  return {
    saved: d.saved !== undefined,
    dataAsOf: asOf,
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

/** The shipped dashboards' tiles, as the builder offers them to copy (report tiles among them). */
function libraryOf(dashboards: readonly Dashboard[]) {
  return dashboards.map((d) => ({
    id: d.id,
    title: d.title,
    tiles: d.tiles.map((t): TileDefinition => ({ ...t })),
  }));
}

/** Answers an asset, or 304 when the browser already holds this version (ETag). */
function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, type: string) {
  reply.header('etag', asset.etag).header('cache-control', 'no-cache');
  if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  return reply.type(type).send(asset.body);
}

/** The web app: `/`, `/dashboards/:id`, `/explore`, `/customers/:id` and their assets. */
export async function webRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const catalog = dashboardCatalog(ctx);
  // A broken dashboard file becomes a readable page, not a bare 500.
  const load = async (): Promise<{ dashboards: Dashboard[]; error?: string }> => {
    try {
      return { dashboards: await catalog.all() };
    } catch (e) {
      if (e instanceof ConfigError) return { dashboards: [], error: e.message };
      throw e;
    }
  };

  app.get('/', async (_request, reply) => {
    const { dashboards, error } = await load();
    const summaries = dashboards.map((d) => ({
      id: d.id,
      title: d.title,
      description: d.description,
      tiles: d.tiles.length,
      createdBy: d.saved ? (d.saved.createdBy ?? 'unknown') : undefined,
    }));
    return reply.type(HTML).send(indexPage(summaries, error));
  });

  app.get('/dashboards', async (_request, reply) => reply.redirect('/'));

  // The builder: a new dashboard, or a saved one to edit (its definition as it was saved).
  app.get('/dashboards/new', async (_request, reply) =>
    reply.type(HTML).send(builderPage({ library: libraryOf(catalog.shipped()) })),
  );
  app.get<{ Params: { id: string } }>('/dashboards/:id/edit', async (request, reply) => {
    const saved = (await catalog.saved()).find((d) => d.id === request.params.id);
    if (!saved) {
      return reply
        .status(404)
        .type(HTML)
        .send(
          messagePage({
            status: 404,
            heading: `No saved dashboard "${request.params.id}"`,
            hint: 'Only dashboards built here or imported can be edited; shipped ones are YAML files in dashboards/.',
          }),
        );
    }
    return reply.type(HTML).send(
      builderPage({
        dashboard: { id: saved.id, definition: await catalog.definition(saved.id) },
        library: libraryOf(catalog.shipped()),
      }),
    );
  });

  app.get<{ Params: { id: string } }>('/dashboards/:id', async (request, reply) => {
    const { dashboards, error } = await load();
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
    const asOf = await dataAsOf(
      ctx.engine,
      dashboardFactTables(ctx.model, dashboard),
      reportContext(ctx).now(),
    );
    return reply.type(HTML).send(dashboardPage(pageData(dashboard, asOf)));
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
