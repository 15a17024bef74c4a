import { z } from 'zod';
import { ERROR_CATALOGUE } from '../errors';
import { CubeQuerySchema } from '../query/schema';
import { SaveSegmentSchema } from '../reports/target-groups/definition';
import { savedDashboardPaths } from './openapi-dashboards';
import { pathParam } from './openapi-parts';
import { questionPaths } from './openapi-questions';
import { subscriptionPaths } from './openapi-subscriptions';
import { targetGroupPaths } from './openapi-target-groups';
import { AddUserSchema } from './routes/users';

const json = (schema: object) => ({ 'application/json': { schema } });
const error = { $ref: '#/components/schemas/Error' };
const errors = Object.fromEntries(
  [...new Set(Object.values(ERROR_CATALOGUE).map((e) => e.status))].map((status) => [
    String(status),
    {
      description: Object.entries(ERROR_CATALOGUE)
        .filter(([, e]) => e.status === status)
        .map(([c]) => c)
        .join(', '),
      content: json(error),
    },
  ]),
);
const queryParam = {
  name: 'query',
  in: 'query',
  required: true,
  description: 'The query as JSON',
  schema: { type: 'string' },
};
const loadBody = {
  required: true,
  content: json({
    type: 'object',
    required: ['query'],
    properties: {
      query: {
        oneOf: [
          { $ref: '#/components/schemas/Query' },
          { type: 'array', items: { $ref: '#/components/schemas/Query' } },
        ],
      },
      queryType: { type: 'string', enum: ['multi'] },
      cache: {
        type: 'string',
        enum: ['stale-if-slow', 'stale-while-revalidate', 'must-revalidate', 'no-cache'],
      },
      format: { type: 'string', enum: ['json', 'csv', 'arrow'] },
    },
  }),
};
const loadResponses = {
  '200': {
    description: 'Rows (Cube /load shape), or `{"error": "Continue wait"}` while the query runs',
    content: {
      ...json({ type: 'object' }),
      'text/csv': { schema: { type: 'string' } },
      'application/vnd.apache.arrow.stream': { schema: { type: 'string', format: 'binary' } },
    },
  },
  ...errors,
};

const withErrors = (description: string) => ({ '200': { description }, ...errors });

/** The OpenAPI document, with the query schema generated from the zod schema that defines it. */
export function openApiDocument(): Record<string, unknown> {
  const query = z.toJSONSchema(CubeQuerySchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete query['$schema'];
  const saveSegment = z.toJSONSchema(SaveSegmentSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete saveSegment['$schema'];
  const addUser = z.toJSONSchema(AddUserSchema, { io: 'input' }) as Record<string, unknown>;
  delete addUser['$schema'];
  const op = (summary: string, extra: object = {}) => ({ summary, ...extra });
  const savedDashboards = savedDashboardPaths(errors);
  return {
    openapi: '3.1.0',
    info: {
      title: 'rapport',
      version: '0.1.0',
      description:
        'Analytical CRM and OLAP API. Queries take the shape of Cube’s REST API; /cubejs-api/v1 serves Cube clients unchanged.',
    },
    // Every API route takes the bearer key; `{}` because local mode and public routes need none.
    security: [{ bearer: [] }, {}],
    paths: {
      '/health': {
        get: op('Liveness, the warehouse data version and the queries running and queued', {
          responses: { '200': { description: 'ok' } },
        }),
      },
      '/v1/meta': {
        get: op('Cubes, measures, dimensions, segments, hierarchies', {
          responses: { '200': { description: 'Cube /meta shape' } },
        }),
      },
      '/v1/query': {
        get: op('Run a query (JSON, CSV or Arrow by Accept)', {
          parameters: [queryParam],
          responses: loadResponses,
        }),
        post: op('Run a query (JSON, CSV or Arrow by Accept)', {
          requestBody: loadBody,
          responses: loadResponses,
        }),
      },
      '/v1/sql': {
        get: op('The SQL and parameters of a query; nothing is run', {
          parameters: [queryParam],
          responses: { '200': { description: 'SQL' }, ...errors },
        }),
        post: op('The SQL and parameters of a query; nothing is run', {
          requestBody: loadBody,
          responses: { '200': { description: 'SQL' }, ...errors },
        }),
      },
      '/v1/drill': {
        post: op('The query one hierarchy level below a row', {
          requestBody: { content: json({ type: 'object', required: ['query', 'member', 'row'] }) },
          responses: { '200': { description: '{query}' }, ...errors },
        }),
      },
      '/v1/etl/runs': {
        get: op('ETL runs, newest first', { responses: { '200': { description: '{data}' }, ...errors } }),
        post: op('Run an ETL job', {
          requestBody: {
            content: json({ type: 'object', required: ['job'], properties: { job: { type: 'string' } } }),
          },
          responses: { '201': { description: 'the run record' }, ...errors },
        }),
      },
      '/v1/etl/jobs': {
        get: op('ETL jobs of etl/jobs and etl/jobs-sources with their schedule, next and last run', {
          responses: { '200': { description: '{data}' }, ...errors },
        }),
      },
      '/v1/etl/jobs/{name}/run': {
        post: op('Run an ETL job now (409 while it runs)', {
          parameters: [pathParam('name')],
          responses: { '201': { description: 'the run record' }, ...errors },
        }),
      },
      '/v1/etl/rejects': {
        get: op('Quarantined rows', { responses: { '200': { description: '{data}' }, ...errors } }),
      },
      '/v1/meta/values': {
        get: op('Values of a dimension, for filter pickers (?member=&search=&limit=)', {
          responses: { '200': { description: '{member, values}' }, ...errors },
        }),
      },
      '/v1/reports': { get: op('The reports', { responses: { '200': { description: '{data}' } } }) },
      '/v1/reports/{name}': {
        post: op('Run a report with its parameters as the body (JSON, CSV or Arrow by Accept)', {
          parameters: [pathParam('name')],
          requestBody: { content: json({ type: 'object' }) },
          responses: { '200': { description: 'the report' }, ...errors },
        }),
      },
      '/v1/users': {
        get: op('Users and their keys (never the keys themselves); admin only', {
          responses: { '200': { description: '{data}' }, ...errors },
        }),
        post: op('Add a user; the answer carries the API key, shown once; admin only', {
          requestBody: { content: json(addUser) },
          responses: { '201': { description: 'the user and `key`' }, ...errors },
        }),
      },
      '/v1/users/{name}': {
        delete: op('Revoke every key of a user (or one key by its id); admin only', {
          parameters: [pathParam('name')],
          responses: withErrors('{revoked}'),
        }),
      },
      '/v1/segments': {
        get: op(
          'Saved segments (target groups) with their definition in words and schedule; ?search= matches name and description',
          {
            parameters: [{ name: 'search', in: 'query', required: false, schema: { type: 'string' } }],
            responses: { '200': { description: '{data}' } },
          },
        ),
        post: op('Save a segment', {
          requestBody: { content: json(saveSegment) },
          responses: { '201': { description: 'the saved segment' }, ...errors },
        }),
      },
      '/v1/segments/{id}': {
        get: op('One saved segment', { parameters: [pathParam('id')], responses: withErrors('segment') }),
        delete: op('Delete a saved segment', {
          parameters: [pathParam('id')],
          responses: { '204': { description: 'deleted' }, ...errors },
        }),
      },
      '/v1/segments/{id}/refresh': {
        post: op('Recompute the members', {
          parameters: [pathParam('id')],
          responses: withErrors('segment'),
        }),
      },
      ...targetGroupPaths(errors),
      '/v1/segments/{id}/members': {
        get: op('Members with contact fields (CSV, JSON or Arrow by Accept)', {
          parameters: [pathParam('id')],
          responses: withErrors('members'),
        }),
      },
      '/v1/dashboards': {
        get: op('The dashboards, shipped (source: file) and saved (source: saved)', {
          responses: { '200': { description: '{data}' } },
        }),
        ...savedDashboards.collection,
      },
      '/v1/dashboards/{id}': {
        get: op('Every tile with its Vega-Lite spec and rows, for the filter values in the query string', {
          parameters: [pathParam('id')],
          responses: withErrors('{id, title, filters, tiles, data_as_of}'),
        }),
        ...savedDashboards.item,
      },
      ...savedDashboards.paths,
      '/v1/dashboards/{id}/tiles/{tile}': {
        get: op('One tile as NAME.svg, NAME.csv or NAME.json, filters in the query string', {
          description:
            "Any other query parameter named after one of the dashboard's filters sets its value (`period=last 3 months`, `region=A,B`). " +
            'The SVG carries a title block: the tile, the dashboard, the period in words, the filters that applied and those that did not, the units. ' +
            'The JSON carries the same as `export` ({dashboard, period, filters, ignored}).',
          parameters: [
            pathParam('id'),
            {
              ...pathParam('tile'),
              description: 'the tile name with the format: NAME.svg, NAME.csv or NAME.json',
            },
            {
              name: 'headers',
              in: 'query',
              required: false,
              description:
                'CSV only. `names` (default): the raw column names and values scripts read. `titles`: titles with units ("Revenue (€)"), ' +
                'values labelled for people (a missing one "(unknown)"), numbers unformatted, dates ISO, after a UTF-8 byte order mark',
              schema: { type: 'string', enum: ['names', 'titles'], default: 'names' },
            },
            {
              name: 'context',
              in: 'query',
              required: false,
              description:
                'CSV only. `1`: lines before the header, one cell each (title, dashboard and period, filters, units), then an empty line',
              schema: { type: 'string', enum: ['0', '1'], default: '0' },
            },
          ],
          responses: {
            '200': {
              description: 'The tile as SVG, CSV or JSON',
              content: {
                'image/svg+xml': { schema: { type: 'string' } },
                'text/csv': { schema: { type: 'string' } },
                ...json({ type: 'object' }),
              },
            },
            ...errors,
          },
        }),
      },
      '/v1/dashboards/{id}/tiles/{tile}/drill': {
        post: op('The tile one level down: {filters, path: [{member, row}]}', {
          parameters: [pathParam('id'), pathParam('tile')],
          requestBody: { content: json({ type: 'object', required: ['path'] }) },
          responses: withErrors('the drilled tile'),
        }),
      },
      '/v1/dashboards/{id}/tiles/{tile}/records': {
        post: op(
          'The records behind one mark of a tile (drilled along path): an ungrouped query of its fact',
          {
            parameters: [pathParam('id'), pathParam('tile')],
            requestBody: {
              content: json({
                type: 'object',
                required: ['row'],
                properties: {
                  filters: { type: 'object', additionalProperties: { type: 'string' } },
                  path: {
                    type: 'array',
                    maxItems: 8,
                    items: {
                      type: 'object',
                      required: ['member', 'row'],
                      properties: { member: { type: 'string' }, row: { type: 'object' } },
                    },
                  },
                  row: { type: 'object', description: "the clicked mark's values of the tile's dimensions" },
                  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
                  format: { type: 'string', enum: ['json', 'csv'] },
                },
              }),
            },
            responses: {
              '200': {
                description:
                  '{tile, query, fields, data (the first `limit`), total, limit, csv_limit}, or every record as CSV',
                content: { ...json({ type: 'object' }), 'text/csv': { schema: { type: 'string' } } },
              },
              ...errors,
            },
          },
        ),
      },
      '/v1/dashboards/{id}/tiles/{tile}/segment': {
        post: op('Save the group picked on a tile as a target group: {filters, value, name}', {
          parameters: [pathParam('id'), pathParam('tile')],
          requestBody: { content: json({ type: 'object', required: ['value', 'name'] }) },
          responses: { '201': { description: 'the saved segment with members_url' }, ...errors },
        }),
      },
      ...questionPaths(errors),
      ...subscriptionPaths(errors),
      '/v1/customers': {
        get: op('Find customers by id, name, e-mail or phone (?search=&limit=)', {
          responses: withErrors('{data}'),
        }),
      },
      '/v1/customers/{id}': {
        get: op('Customer 360: profile, history, KPIs, RFM, cluster, segments, timeline', {
          parameters: [pathParam('id')],
          responses: withErrors('the customer'),
        }),
      },
      '/cubejs-api/v1/load': {
        get: op('Cube-compatible load', { parameters: [queryParam], responses: loadResponses }),
        post: op('Cube-compatible load', { requestBody: loadBody, responses: loadResponses }),
      },
      '/cubejs-api/v1/subscribe': {
        get: op('Cube-compatible load for subscribing clients (answers once)', {
          parameters: [queryParam],
          responses: loadResponses,
        }),
        post: op('Cube-compatible load for subscribing clients (answers once)', {
          requestBody: loadBody,
          responses: loadResponses,
        }),
      },
      '/cubejs-api/v1/meta': {
        get: op('Cube-compatible meta', { responses: { '200': { description: 'meta' } } }),
      },
      '/cubejs-api/v1/sql': {
        get: op('Cube-compatible SQL', {
          parameters: [queryParam],
          responses: { '200': { description: 'sql' }, ...errors },
        }),
        post: op('Cube-compatible SQL', {
          requestBody: loadBody,
          responses: { '200': { description: 'sql' }, ...errors },
        }),
      },
      '/cubejs-api/v1/dry-run': {
        get: op('Cube-compatible dry run', {
          parameters: [queryParam],
          responses: { '200': { description: 'normalised queries' }, ...errors },
        }),
        post: op('Cube-compatible dry run', {
          requestBody: loadBody,
          responses: { '200': { description: 'normalised queries' }, ...errors },
        }),
      },
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key from `rapport users add` (rk_…); on /cubejs-api/v1 also an HS256 JWT signed with RAPPORT_JWT_SECRET whose `role` and other claims are the user. No key configured: local mode, loopback only, no header needed. 401 UNAUTHENTICATED without valid credentials, 403 FORBIDDEN when the role may not call the route, 403 MEMBER_FORBIDDEN for a hidden member.',
        },
      },
      schemas: {
        Query: query,
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE) },
            message: { type: 'string' },
            details: {},
          },
        },
      },
    },
  };
}
