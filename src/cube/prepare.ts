import type { z } from 'zod';
import { AppError } from '../errors';
import type { LogicalQuery } from '../model/logical-query';
import type { Model } from '../model/types';
import { resolveDateRange } from '../query/date-range';
import { resolveQuery } from '../query/resolve';
import { type CubeQuery, CubeQuerySchema } from '../query/schema';
import { type Dialect, type RenderedSql, render } from '../sql';
import { compileQuery } from '../sql/compile/query';

/** One query ready to run: its resolved form, its SQL, and what the response echoes. */
export interface PreparedQuery {
  readonly query: CubeQuery;
  readonly logical: LogicalQuery;
  readonly sql: RenderedSql;
  /** For compareDateRange parts: the range this part answers, as Cube labels it. */
  readonly compareDateRange?: string;
}

export interface PrepareOptions {
  readonly model: Model;
  readonly dialect: Dialect;
  readonly now: Date;
  readonly maxLimit?: number;
  readonly defaultLimit?: number;
}

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

export function prepareQuery(
  query: CubeQuery,
  options: PrepareOptions,
  compareRange?: string | readonly [string, string],
): PreparedQuery {
  const logical = resolveQuery(options.model, query, {
    now: options.now,
    maxLimit: options.maxLimit,
    defaultLimit: options.defaultLimit,
  });
  const sql = render(compileQuery(options.model, logical), options.dialect);
  let compareDateRange: string | undefined;
  if (compareRange !== undefined) {
    const r = resolveDateRange(compareRange, query.timezone ?? 'UTC', options.now);
    compareDateRange = `${r.from} - ${r.to}`;
  }
  return { query, logical, sql, compareDateRange };
}
