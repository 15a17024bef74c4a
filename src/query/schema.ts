import { z } from 'zod';
import { GRANULARITIES } from '../model/types';

/**
 * The query: Cube's REST API query shape, plus rapport's OLAP extensions (`rollup`, `pivot`).
 * This zod schema is the only definition of it; `CubeQuery` is inferred from it.
 */

// `cube.member`, or `cube.json_member.key` for a key of a JSON dimension (the model checks the key).
export const MEMBER = z
  .string()
  .max(500)
  .regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*(\..+)?$/s, 'a member is "cube.member"');
// Also `cube.time.granularity`.
const TIME_MEMBER = MEMBER;

export const FILTER_OPERATORS = [
  'equals',
  'notEquals',
  'in',
  'notIn',
  'contains',
  'notContains',
  'startsWith',
  'notStartsWith',
  'endsWith',
  'notEndsWith',
  'gt',
  'gte',
  'lt',
  'lte',
  'set',
  'notSet',
  'inDateRange',
  'notInDateRange',
  'beforeDate',
  'beforeOrOnDate',
  'afterDate',
  'afterOrOnDate',
  'measureFilter',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

const FilterValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const DateRangeSchema = z.union([z.string().min(1), z.tuple([z.string().min(1), z.string().min(1)])]);

const MemberFilterSchema = z
  .object({
    member: TIME_MEMBER.optional(),
    /** Cube's older spelling of `member`. */
    dimension: TIME_MEMBER.optional(),
    operator: z.enum(FILTER_OPERATORS),
    values: z.array(FilterValue).optional(),
  })
  .strict()
  .refine((f) => (f.member === undefined) !== (f.dimension === undefined), {
    message: 'a filter names exactly one of member and dimension',
  });

export type MemberFilter = z.infer<typeof MemberFilterSchema>;
export type QueryFilter = MemberFilter | { and: QueryFilter[] } | { or: QueryFilter[] };

export const FilterSchema: z.ZodType<QueryFilter> = z.lazy(() =>
  z.union([
    MemberFilterSchema,
    z.object({ and: z.array(FilterSchema).min(1) }).strict(),
    z.object({ or: z.array(FilterSchema).min(1) }).strict(),
  ]),
);

const TimeDimensionSchema = z
  .object({
    dimension: MEMBER,
    granularity: z.enum(GRANULARITIES).optional(),
    dateRange: DateRangeSchema.optional(),
    compareDateRange: z.array(DateRangeSchema).min(2).optional(),
  })
  .strict()
  .refine((t) => !(t.dateRange !== undefined && t.compareDateRange !== undefined), {
    message: 'give either dateRange or compareDateRange',
  });

const Direction = z.enum(['asc', 'desc']);
const OrderSchema = z.union([z.record(z.string(), Direction), z.array(z.tuple([z.string(), Direction]))]);

export const CubeQuerySchema = z
  .object({
    measures: z.array(MEMBER).default([]),
    dimensions: z.array(MEMBER).default([]),
    timeDimensions: z.array(TimeDimensionSchema).default([]),
    filters: z.array(FilterSchema).default([]),
    segments: z.array(MEMBER).default([]),
    order: OrderSchema.optional(),
    limit: z.number().int().min(0).optional(),
    offset: z.number().int().min(0).optional(),
    total: z.boolean().optional(),
    timezone: z.string().min(1).optional(),
    ungrouped: z.boolean().optional(),
    /** Accepted for compatibility with Cube clients; rapport's cache is keyed by warehouse version. */
    renewQuery: z.boolean().optional(),
    /** Subtotals: `true` rolls up every dimension in order, or name the dimensions to roll up. */
    rollup: z.union([z.boolean(), z.array(TIME_MEMBER)]).optional(),
    /** A pivoted response: which dimensions go to rows and which to columns. */
    pivot: z
      .object({ rows: z.array(TIME_MEMBER), columns: z.array(TIME_MEMBER) })
      .strict()
      .optional(),
    /** Accepted for Cube compatibility (the response always has the same shape). */
    responseFormat: z.enum(['default', 'compact']).optional(),
  })
  .strict();

export type CubeQuery = z.infer<typeof CubeQuerySchema>;
export type CubeQueryInput = z.input<typeof CubeQuerySchema>;
export type TimeDimensionQuery = CubeQuery['timeDimensions'][number];
