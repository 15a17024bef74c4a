import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DashboardCatalog, type Editor } from '../../dashboards/saved/catalog';
import type { Dashboard } from '../../dashboards/schema';
import { LOCAL_ADMIN, scopes } from '../auth/scope';
import type { AppContext } from '../deps';
import { parseInput } from '../validate';

/** Every dashboard, shipped and saved, for the routes and pages of this server. */
export function dashboardCatalog(ctx: AppContext): DashboardCatalog {
  return new DashboardCatalog(ctx.engine, join(ctx.root, 'dashboards'), () => ctx.model, ctx.now);
}

/** The requesting user (the local admin outside a request: local mode, tests without keys). */
function editor(): Editor {
  const user = scopes.getStore()?.user ?? LOCAL_ADMIN;
  return { name: user.name, role: user.role };
}

const CreateQuery = z.object({ id: z.string().min(1).max(80).optional() }).strict();

const ImportBody = z
  .object({
    /** The dashboard's YAML, as `GET /v1/dashboards/:id/yaml` answers it or a dashboards/*.yml file holds it. */
    yaml: z.string().min(1).max(1_000_000),
    /** The id to save it under [made from its title]. */
    id: z.string().min(1).max(80).optional(),
    /** Replace a saved dashboard of that id (its maker or an admin) [false]. */
    replace: z.boolean().default(false),
  })
  .strict();

/** What a change answers: the id and the URLs to open it. */
function saved(d: Dashboard) {
  return {
    id: d.id,
    title: d.title,
    description: d.description ?? null,
    tiles: d.tiles.length,
    source: 'saved' as const,
    created_by: d.saved?.createdBy ?? null,
    created_at: d.saved?.createdAt ?? null,
    updated_at: d.saved?.updatedAt ?? null,
    url: `/dashboards/${encodeURIComponent(d.id)}`,
    api: `/v1/dashboards/${encodeURIComponent(d.id)}`,
  };
}

/**
 * Dashboards built in the browser or imported, kept in the application state beside the shipped
 * YAML files: create (POST, the YAML schema as JSON), replace (PUT), delete, export as YAML and
 * import YAML. Shipped dashboards are read-only here (409); a saved one is changed by its maker
 * or an admin (403 for anyone else); executives only view (permissions.ts).
 */
export async function userDashboardRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const catalog = dashboardCatalog(ctx);

  app.post('/v1/dashboards', async (request, reply) => {
    const { id } = parseInput(CreateQuery, request.query ?? {}, 'query string');
    return reply.status(201).send(saved(await catalog.create(request.body, editor(), id)));
  });
  app.put<{ Params: { id: string } }>('/v1/dashboards/:id', async (request) =>
    saved(await catalog.update(request.params.id, request.body, editor())),
  );
  app.delete<{ Params: { id: string } }>('/v1/dashboards/:id', async (request, reply) => {
    await catalog.remove(request.params.id, editor());
    return reply.status(204).send();
  });
  app.get<{ Params: { id: string } }>('/v1/dashboards/:id/yaml', async (request, reply) =>
    reply
      .type('application/yaml; charset=utf-8')
      .header('content-disposition', `attachment; filename="${request.params.id}.yml"`)
      .send(await catalog.exportYaml(request.params.id)),
  );
  // JSON-wrapped: the server accepts JSON bodies only (request-guard.ts), the YAML is a string in it.
  app.post('/v1/dashboards/import', async (request, reply) => {
    const body = parseInput(ImportBody, request.body, 'body');
    const d = await catalog.importYaml(body.yaml, editor(), { id: body.id, replace: body.replace });
    return reply.status(201).send(saved(d));
  });
}
