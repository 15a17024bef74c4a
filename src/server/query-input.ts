import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PreparedQuery } from '../cube';
import { pivot } from '../cube';
import { AppError } from '../errors';
import { parseInput } from './validate';

const GetParams = z
  .object({
    query: z.string().min(1, 'query is required'),
    queryType: z.enum(['multi']).optional(),
    cache: z.string().optional(),
    format: z.enum(['json', 'csv', 'arrow']).optional(),
  })
  .passthrough();

const PostBody = z
  .object({
    query: z.unknown().refine((q) => q !== undefined, 'query is required'),
    queryType: z.enum(['multi']).optional(),
    cache: z.string().optional(),
    format: z.enum(['json', 'csv', 'arrow']).optional(),
  })
  .passthrough();

export interface QueryInput {
  readonly query: unknown;
  readonly multi: boolean;
  readonly cache?: string;
  readonly format?: 'json' | 'csv' | 'arrow';
}

/** The query of a GET (`?query=<json>`) or POST (`{"query": …}`) request, as Cube's /load takes it. */
export function queryInput(request: FastifyRequest): QueryInput {
  if (request.method === 'GET') {
    const p = parseInput(GetParams, request.query, 'query string');
    let query: unknown;
    try {
      query = JSON.parse(p.query);
    } catch (e) {
      throw new AppError('VALIDATION_FAILED', `the query parameter is not JSON: ${(e as Error).message}`);
    }
    return { query, multi: p.queryType === 'multi', cache: p.cache, format: p.format };
  }
  const b = parseInput(PostBody, request.body ?? {}, 'body');
  return { query: b.query, multi: b.queryType === 'multi', cache: b.cache, format: b.format };
}

/** Resolves with the value, or with `undefined` once `ms` have passed (the work goes on). */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Refuses a `pivot` that does not place each of a query's dimensions once (a member outside the
 * query, a hidden one included), as the load answers it, before anything runs: the SQL and
 * dry-run routes never build the pivot, so without this they would accept what a load refuses.
 */
export function assertPivots(prepared: { readonly parts: readonly PreparedQuery[] }): void {
  for (const p of prepared.parts) {
    if (!p.query.pivot) continue;
    pivot(
      [],
      p.query.pivot,
      p.logical.dimensions.map((d) => d.alias),
      p.logical.groups.flatMap((g) => g.measures.map((m) => m.alias)),
    );
  }
}
