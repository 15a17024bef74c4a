import { z } from 'zod';
import { CubeQuerySchema, MEMBER } from '../query/schema';

const NAME = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'a name is lower-case letters, digits and _, starting with a letter');

export const CHARTS = [
  'kpi',
  'line',
  'bar',
  'stacked_bar',
  'area',
  'heatmap',
  'scatter',
  'funnel',
  'table',
  'grid',
] as const;
export type ChartKind = (typeof CHARTS)[number];

const DateRangeFilter = z
  .object({
    name: NAME,
    type: z.literal('date_range'),
    title: z.string().optional(),
    /** A relative range ("last 12 months") or [from, to]. */
    default: z.union([z.string(), z.tuple([z.string(), z.string()])]).default('last 12 months'),
    presets: z
      .array(z.string())
      .default([
        'this month',
        'last month',
        'this quarter',
        'last quarter',
        'this year',
        'last year',
        'last 12 months',
        'last 24 months',
      ]),
  })
  .strict();

const DimensionFilter = z
  .object({
    name: NAME,
    type: z.literal('dimension'),
    dimension: MEMBER,
    title: z.string().optional(),
    multiple: z.boolean().default(true),
    default: z.array(z.string()).default([]),
  })
  .strict();

export const DashboardFilterSchema = z.discriminatedUnion('type', [DateRangeFilter, DimensionFilter]);
export type DashboardFilter = z.infer<typeof DashboardFilterSchema>;

/** Which fields of the tile's rows a shorthand chart draws (defaults come from the query). */
const Encoding = z
  .object({
    x: z.string().optional(),
    y: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    color: z.string().optional(),
    size: z.string().optional(),
    /** Lower and upper bound fields of an uncertainty band, drawn under a line. */
    band: z.array(z.tuple([z.string(), z.string()])).optional(),
  })
  .strict();

export const TileSchema = z
  .object({
    name: NAME,
    title: z.string().min(1),
    description: z.string().optional(),
    chart: z.enum(CHARTS).optional(),
    /** A full Vega-Lite spec; rapport injects the rows as `data.values`. */
    vega_lite: z.record(z.string(), z.unknown()).optional(),
    query: CubeQuerySchema.optional(),
    report: z.string().optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    /** The time dimension (query tiles) or time member (report population) the date filter restricts. */
    time: MEMBER.optional(),
    /** Whether the dashboard's date range applies to the tile [true]. */
    use_date_filter: z.boolean().default(true),
    /** KPI tiles: the deltas to show. */
    compare: z
      .array(z.enum(['previous_period', 'previous_year']))
      .default(['previous_period', 'previous_year']),
    encoding: Encoding.default({}),
    format: z.enum(['currency', 'percent', 'number', 'integer']).optional(),
    /** Rows of a report tile to draw, e.g. the cohort cells or a forecast's points [rows]. */
    data: z.string().optional(),
    /**
     * Report tiles whose marks are customer groups (RFM segments, clusters, funnel steps, cohorts):
     * the row field naming the group a click selects, to save as a target group.
     */
    save_segment: z
      .object({ field: z.string().min(1) })
      .strict()
      .optional(),
    width: z.number().int().min(1).max(12).default(6),
    height: z.number().int().min(1).max(6).default(2),
  })
  .strict()
  .refine((t) => (t.query === undefined) !== (t.report === undefined), {
    message: 'a tile has exactly one of query and report',
  })
  .refine((t) => (t.chart === undefined) !== (t.vega_lite === undefined), {
    message: 'a tile has exactly one of chart and vega_lite',
  })
  .refine((t) => t.save_segment === undefined || t.report !== undefined, {
    message: 'save_segment needs a report tile (rfm, segments, funnel or cohort)',
  });

export type Tile = z.infer<typeof TileSchema>;

export const DashboardSchema = z
  .object({
    title: z.string().min(1),
    description: z.string().optional(),
    filters: z.array(DashboardFilterSchema).default([]),
    tiles: z.array(TileSchema).min(1),
  })
  .strict();

export type DashboardDefinition = z.infer<typeof DashboardSchema>;

export interface Dashboard extends DashboardDefinition {
  /** The file name without extension: the id in URLs. */
  readonly id: string;
  /** The YAML file; for a dashboard saved in the application state, `user_dashboards/<id>`. */
  readonly file: string;
  /** Set on dashboards built in the browser or imported (user_dashboards), absent on shipped files. */
  readonly saved?: {
    readonly createdBy: string | null;
    readonly createdAt: string;
    readonly updatedAt: string;
  };
}
