import { z } from 'zod';
import { AppError } from '../../errors';
import { FilterSchema, MEMBER } from '../../query/schema';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const IsoDate = z
  .string()
  .regex(DATE, 'a date is YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'not a calendar date',
    },
  );

/** Parameters every report accepts: the population (cube filter language), as_of and the time zone. */
export const ReportBaseShape = {
  /** The reference date; only rows before it count [the day after the fact's latest timestamp]. */
  as_of: IsoDate.optional(),
  /** Days are calendar days in this zone [UTC]. */
  timezone: z.string().min(1).optional(),
  /** Population filter in the cube filter language, e.g. only customers of one region. */
  filters: z.array(FilterSchema).default([]),
  segments: z.array(MEMBER).default([]),
};

/** Rows of a per-customer output returned in JSON (CSV and Arrow stream all of them). */
export const JsonLimit = z.number().int().min(0).max(50_000).default(1000);

export function parseParams<T>(schema: z.ZodType<T>, input: unknown, report: string): T {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  throw new AppError(
    'VALIDATION_FAILED',
    `invalid ${report} parameters: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
    { issues },
  );
}
