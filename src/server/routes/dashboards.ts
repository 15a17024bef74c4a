import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { recordsQuery } from '../../cube';
import { dashboardFactTables, dataAsOf } from '../../dashboards/data-as-of';
import { exportContext } from '../../dashboards/export/context';
import { tileCsv, tileSvg } from '../../dashboards/export/tile';
import { filterValues } from '../../dashboards/filters';
import { type DashboardResult, runDashboard, runDashboardTile } from '../../dashboards/run';
import type { DrillStep } from '../../dashboards/run-tile';
import { segmentDefinitionFor } from '../../dashboards/save-segment';
import type { Dashboard } from '../../dashboards/schema';
import { queryFields } from '../../dashboards/tile-data';
import { AppError } from '../../errors';
import { saveSegment } from '../../reports/target-groups/store';
import { assertMayListValues } from '../auth/values';
import type { AppContext } from '../deps';
import { parseInput } from '../validate';
import { negotiate } from './query';
import { reportContext, stateReportContext } from './reports';
import { dashboardCatalog } from './user-dashboards';

const DrillPath = z
  .array(z.object({ member: z.string().min(1), row: z.record(z.string(), z.unknown()) }).strict())
  .max(8);

const DrillBody = z
  .object({
    /** The dashboard's filter values, as in the page's query string. */
    filters: z.record(z.string(), z.unknown()).default({}),
    /** The clicks so far, outermost first: each the member clicked and the row's values. */
    path: DrillPath.min(1),
  })
  .strict();

const RecordsBody = z
  .object({
    filters: z.record(z.string(), z.unknown()).default({}),
    /** The drill-down the tile shows (empty at its top level). */
    path: DrillPath.default([]),
    /** The clicked mark's row: its values of the tile's dimensions and time buckets. */
    row: z.record(z.string(), z.unknown()),
    /** Rows of the JSON answer [100]; CSV answers every record up to the export row cap. */
    limit: z.number().int().min(1).max(1000).default(100),
    format: z.enum(['json', 'csv']).optional(),
  })
  .strict();

const SaveBody = z
  .object({
    filters: z.record(z.string(), z.unknown()).default({}),
    /** The picked value of the tile's save_segment field (a segment name, cluster, step, cohort). */
    value: z.union([z.string(), z.number()]),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    replace: z.boolean().default(false),
  })
  .strict();

/**
 * A tile's query string: the dashboard filters' values (any parameter named after a filter), and
 * for CSV `headers=titles` (titles with units, labelled values) and `context=1` (lines first
 * that say what the file holds).
 */
const TileQuery = z
  .object({
    headers: z.enum(['names', 'titles']).default('names'),
    context: z.enum(['0', '1']).default('0'),
  })
  .catchall(z.unknown());

const ValuesQuery = z
  .object({
    member: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'a member is "cube.member"'),
    search: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
  })
  .strict();

/**
 * Dashboards as data: `/v1/dashboards/:id` answers every tile's Vega-Lite spec with its rows
 * inline, for the filter values in the query string (`?period=last 3 months&region=A,B`);
 * `/tiles/:tile.svg` and `.csv` render one tile on the server.
 */
export async function dashboardRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const catalog = dashboardCatalog(ctx);
  const find = (id: string): Promise<Dashboard> => catalog.find(id);
  const services = () => ({ queries: ctx.queries, reports: reportContext(ctx) });
  const run = async (
    id: string,
    query: unknown,
  ): Promise<DashboardResult & { data_as_of: string | null }> => {
    const d = await find(id);
    const result = await runDashboard(services(), d, (query ?? {}) as Record<string, unknown>);
    return {
      ...result,
      data_as_of: await dataAsOf(ctx.engine, dashboardFactTables(ctx.model, d), reportContext(ctx).now()),
    };
  };
  const tile = async (id: string, name: string, query: unknown, drill: readonly DrillStep[] = []) => {
    const t = await runDashboardTile(
      services(),
      await find(id),
      name,
      (query ?? {}) as Record<string, unknown>,
      drill,
    );
    if (!t) throw new AppError('NOT_FOUND', `no tile "${name}" in dashboard "${id}"`);
    if (t.error)
      throw new AppError(
        t.error.code === 'INTERNAL' ? 'ENGINE_FAILED' : (t.error.code as never),
        t.error.message,
      );
    return t;
  };

  app.get('/v1/dashboards', async () => ({
    data: (await catalog.all()).map((d) => ({
      id: d.id,
      title: d.title,
      description: d.description ?? null,
      tiles: d.tiles.length,
      // Shipped YAML files are read-only here; saved ones say who made them.
      source: d.saved ? 'saved' : 'file',
      created_by: d.saved?.createdBy ?? null,
      updated_at: d.saved?.updatedAt ?? null,
    })),
  }));
  app.get<{ Params: { id: string } }>('/v1/dashboards/:id', async (request) =>
    run(request.params.id, request.query),
  );
  app.get<{ Params: { id: string; tile: string } }>(
    '/v1/dashboards/:id/tiles/:tile',
    async (request, reply) => {
      const m = /^(.+)\.(svg|csv|json)$/.exec(request.params.tile);
      if (!m) throw new AppError('NOT_FOUND', 'a tile is fetched as NAME.svg, NAME.csv or NAME.json');
      const { headers, context, ...filters } = parseInput(TileQuery, request.query ?? {}, 'query string');
      const t = await tile(request.params.id, m[1]!, filters);
      const d = await find(request.params.id);
      // What an export says around the tile (dashboard, period, filters); the page's exports read it too.
      const about = exportContext(
        { dashboard: d, values: filterValues(d, filters), model: ctx.model, now: reportContext(ctx).now() },
        t,
      );
      if (m[2] === 'json') return { ...t, export: about };
      if (m[2] === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .send(tileCsv(t, about, { headers, context: context === '1' }));
      }
      const svg = await tileSvg(t, about);
      if (svg === undefined) throw new AppError('NOT_FOUND', `tile "${t.name}" has no chart`);
      return reply.type('image/svg+xml').send(svg);
    },
  );

  app.post<{ Params: { id: string; tile: string } }>(
    '/v1/dashboards/:id/tiles/:tile/drill',
    async (request) => {
      const body = parseInput(DrillBody, request.body, 'body');
      return tile(request.params.id, request.params.tile, body.filters, body.path);
    },
  );

  app.post<{ Params: { id: string; tile: string } }>(
    '/v1/dashboards/:id/tiles/:tile/records',
    async (request, reply) => {
      const body = parseInput(RecordsBody, request.body, 'body');
      const format = negotiate(request, body.format);
      if (format === 'arrow') throw new AppError('NOT_ACCEPTABLE', 'records answer JSON or CSV');
      const t = await tile(request.params.id, request.params.tile, body.filters, body.path);
      if (!t.query)
        throw new AppError('INVALID_QUERY', `tile "${t.name}" shows a report: it has no records to list`);
      const query = recordsQuery(ctx.queries.model, t.query, body.row);
      if (format === 'csv') {
        const stream = await ctx.queries.stream({ ...query, limit: ctx.limits.maxExportRows }, 'csv');
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${t.name}-records.csv"`)
          .send(Readable.from(stream));
      }
      const result = (await ctx.queries.load({ ...query, limit: body.limit, total: true })).results[0]!;
      return {
        tile: t.name,
        query,
        fields: [...queryFields(result).fields.values()],
        data: result.data,
        total: result.total ?? result.data.length,
        limit: body.limit,
        csv_limit: ctx.limits.maxExportRows,
      };
    },
  );

  app.post<{ Params: { id: string; tile: string } }>(
    '/v1/dashboards/:id/tiles/:tile/segment',
    async (request, reply) => {
      const body = parseInput(SaveBody, request.body, 'body');
      const t = await tile(request.params.id, request.params.tile, body.filters);
      if (!t.save_segment)
        throw new AppError('INVALID_QUERY', `tile "${t.name}" does not offer saving a target group`);
      const saved = await saveSegment(stateReportContext(ctx), {
        name: body.name,
        description: body.description,
        replace: body.replace,
        definition: segmentDefinitionFor(t, body.value),
      });
      ctx.queries.invalidate();
      return reply.status(201).send({ ...saved, members_url: `/v1/segments/${saved.segment_id}/members` });
    },
  );

  app.get('/v1/meta/values', async (request) => {
    const q = parseInput(ValuesQuery, request.query, 'query string');
    // Executives list the values of the shipped dashboards' filters only: those are curated.
    assertMayListValues(q.member, catalog.shipped());
    const query = {
      dimensions: [q.member],
      filters: q.search ? [{ member: q.member, operator: 'contains', values: [q.search] }] : [],
      order: { [q.member]: 'asc' },
      limit: q.limit,
    };
    const r = await ctx.queries.load(query);
    return {
      member: q.member,
      values: r.results[0]!.data.map((row) => row[q.member]).filter((v) => v !== null),
    };
  });
}
