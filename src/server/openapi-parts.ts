import { z } from 'zod';

/** Pieces the OpenAPI path groups share (openapi.ts and the openapi-*.ts files it spreads in). */

/** A string path parameter. */
export const pathParam = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'string' } });

/** A JSON request body from a zod schema, as the client sends it (input side). */
export function jsonBody(s: z.ZodType): {
  content: { 'application/json': { schema: Record<string, unknown> } };
} {
  const out = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out['$schema'];
  return { content: { 'application/json': { schema: out } } };
}

/** Responses: the success status with its description, and the catalogue's error responses. */
export const withErrors =
  (errors: Record<string, unknown>) =>
  (description: string, status = '200') => ({ [status]: { description }, ...errors });
