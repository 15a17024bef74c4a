import type { z } from 'zod';
import { AppError } from '../errors';
import { type CubeQuery, CubeQuerySchema } from '../query/schema';

export function validationError(error: z.ZodError, where: string): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  return new AppError(
    'VALIDATION_FAILED',
    `invalid ${where}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
    { issues },
  );
}

export function parseQuery(input: unknown): CubeQuery {
  const r = CubeQuerySchema.safeParse(input);
  if (!r.success) throw validationError(r.error, 'query');
  return r.data;
}

/** Splits a query with compareDateRange into one query per range (Cube's compareDateRangeQuery). */
export function splitCompareDateRange(
  query: CubeQuery,
): { query: CubeQuery; label?: string; range?: string | readonly [string, string] }[] {
  const i = query.timeDimensions.findIndex((t) => t.compareDateRange !== undefined);
  if (i < 0) return [{ query }];
  const td = query.timeDimensions[i]!;
  return td.compareDateRange!.map((range) => {
    const timeDimensions = query.timeDimensions.map((t, j) =>
      j === i ? { dimension: t.dimension, granularity: t.granularity, dateRange: range } : t,
    );
    return { query: { ...query, timeDimensions }, range };
  });
}
