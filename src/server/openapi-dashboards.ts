import { z } from 'zod';
import { DashboardSchema } from '../dashboards/schema';

/**
 * The OpenAPI operations of saved dashboards (routes/user-dashboards.ts), kept beside openapi.ts:
 * `collection` and `item` are merged into the existing /v1/dashboards paths, `paths` spread in.
 */
export function savedDashboardPaths(errors: Record<string, unknown>): {
  collection: Record<string, unknown>;
  item: Record<string, unknown>;
  paths: Record<string, unknown>;
} {
  const definition = z.toJSONSchema(DashboardSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete definition['$schema'];
  const body = { content: { 'application/json': { schema: definition } } };
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const saved =
    '{id, title, description, tiles, source: saved, created_by, created_at, updated_at, url, api}';
  return {
    collection: {
      post: {
        summary: 'Save a new dashboard (the YAML schema as JSON); ?id= names it, else its title does',
        description:
          'Checked as `rapport check` checks a file (members, reports, specs); problems answer 400 with every field at fault. Analysts and marketers; the maker is recorded.',
        parameters: [{ name: 'id', in: 'query', required: false, schema: { type: 'string' } }],
        requestBody: body,
        responses: { '201': { description: saved }, ...errors },
      },
    },
    item: {
      put: {
        summary: 'Replace a saved dashboard (its maker or an admin; a shipped file answers 409)',
        parameters: [id],
        requestBody: body,
        responses: { '200': { description: saved }, ...errors },
      },
      delete: {
        summary: 'Delete a saved dashboard (its maker or an admin; a shipped file answers 409)',
        parameters: [id],
        responses: { '204': { description: 'deleted' }, ...errors },
      },
    },
    paths: {
      '/v1/dashboards/{id}/yaml': {
        get: {
          summary: 'The dashboard as a YAML file `rapport check` accepts (a shipped one as its file is)',
          parameters: [id],
          responses: {
            '200': { description: 'YAML', content: { 'application/yaml': { schema: { type: 'string' } } } },
            ...errors,
          },
        },
      },
      '/v1/dashboards/import': {
        post: {
          summary: 'Save a dashboard from YAML text: {yaml, id?, replace?}',
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['yaml'],
                  properties: {
                    yaml: { type: 'string' },
                    id: { type: 'string' },
                    replace: { type: 'boolean', default: false },
                  },
                },
              },
            },
          },
          responses: { '201': { description: saved }, ...errors },
        },
      },
    },
  };
}
