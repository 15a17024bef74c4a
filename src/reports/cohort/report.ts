import { z } from 'zod';
import { raw, type SqlNode, sql } from '../../sql';
import { resolveAsOf } from '../common/as-of';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { IsoDate, parseParams, ReportBaseShape } from '../common/params';
import { col, localTime, population, populationRows } from '../common/population';

export const CohortParamsSchema = z
  .object({
    ...ReportBaseShape,
    /** The period of cohorts and activity [month]. */
    granularity: z.enum(['month', 'week', 'quarter']).default('month'),
    /** Only cohorts starting on or after this date. */
    from: IsoDate.optional(),
    /** At most this many periods after the cohort's own [all]. */
    max_offset: z.number().int().min(0).max(1000).optional(),
  })
  .strict();

export type CohortParams = z.infer<typeof CohortParamsSchema>;

export const COHORT_COLUMNS = [
  'cohort',
  'period_offset',
  'cohort_size',
  'active_customers',
  'retention',
  'revenue',
  'cumulative_revenue_per_customer',
  'partial',
  'left_censored',
] as const;

/** Whole periods between two period starts: a calendar index difference (31 Jan → 1 Feb is 1). */
function periodIndex(granularity: CohortParams['granularity'], x: SqlNode): SqlNode {
  switch (granularity) {
    case 'month':
      return sql`(year(${x}) * 12 + month(${x}))`;
    case 'quarter':
      return sql`(year(${x}) * 4 + quarter(${x}))`;
    case 'week':
      return sql`(date_diff('day', DATE '1970-01-05', CAST(${x} AS DATE)) // 7)`;
  }
}

export interface CohortPlan {
  readonly params: CohortParams;
  readonly asOf: string | null;
  /** One row per (cohort, offset) whose period started before as_of, dense and zero-filled. */
  readonly cells: SqlNode;
  /** customer_id and cohort start, for saving a cohort as a target group. */
  readonly members: SqlNode;
}

/**
 * docs/analytics.md's cohort retention: a customer's cohort is the period of the first completed
 * order; offset k is the calendar index difference; active(c, k) counts distinct customers of c
 * with a completed order in period c + k; cells are returned only for periods that started
 * before as_of, the last flagged partial when as_of cuts it, and the data's first cohort
 * flagged left-censored (it holds every earlier customer who bought in that period).
 */
export async function planCohort(ctx: ReportContext, input: unknown): Promise<CohortPlan> {
  const params = parseParams(CohortParamsSchema, input, 'cohort');
  const p = population(ctx, 'orders', params);
  const completed = sql`${col(p, 'status')} = 'completed' AND ${col(p, 'quantity')} > 0 AND ${col(p, 'unit_price')} >= 0`;
  const rows = populationRows(ctx, p, [
    { expr: col(p, 'customer_id'), alias: 'customer_id' },
    { expr: col(p, 'order_id'), alias: 'order_id' },
    { expr: localTime(p, 'ordered_at'), alias: 'ts' },
    { expr: col(p, 'revenue'), alias: 'revenue' },
    { expr: completed, alias: 'completed' },
  ]);
  const asOf = await resolveAsOf(ctx.engine, params.as_of, rows, 'ts');
  const day = asOf ?? '1970-01-01';
  const g = raw(`'${params.granularity}'`);
  const unit = raw(`INTERVAL 1 ${params.granularity.toUpperCase()}`);
  const idx = (x: SqlNode) => periodIndex(params.granularity, x);
  // The last period that started before as_of.
  const last = sql`date_trunc(${g}, CAST(${day} AS TIMESTAMP) - INTERVAL 1 MICROSECOND)`;
  const lines = sql`SELECT customer_id, order_id, revenue, date_trunc(${g}, ts) AS period
                    FROM (${rows}) WHERE completed AND customer_id IS NOT NULL AND ts < CAST(${day} AS TIMESTAMP)`;
  const firsts = sql`SELECT customer_id, min(period) AS cohort FROM (${lines}) GROUP BY customer_id`;
  const fromCohort =
    params.from === undefined
      ? sql``
      : sql` WHERE cohort >= date_trunc(${g}, CAST(${params.from} AS TIMESTAMP))`;
  const maxOffset = params.max_offset === undefined ? sql`` : sql` AND g.k <= ${params.max_offset}`;
  const cells = sql`
    WITH lines AS MATERIALIZED (${lines}),
    firsts AS (SELECT customer_id, min(period) AS cohort FROM lines GROUP BY customer_id),
    activity AS (
      SELECT f.cohort, ${idx(sql`l.period`)} - ${idx(sql`f.cohort`)} AS k, count(DISTINCT l.customer_id) AS active,
             sum(l.revenue) AS revenue, count(DISTINCT l.order_id) AS orders
      FROM lines l JOIN firsts f USING (customer_id) GROUP BY ALL),
    cohorts AS (SELECT cohort, count(*) AS size FROM firsts${fromCohort} GROUP BY cohort),
    grid AS (
      SELECT cohort, size, k, cohort + k * ${unit} AS period
      FROM (SELECT cohort, size, unnest(generate_series(0, ${idx(last)} - ${idx(sql`cohort`)})) AS k FROM cohorts))
    SELECT strftime(g.cohort, '%Y-%m-%d') AS cohort, CAST(g.k AS INTEGER) AS period_offset, g.size AS cohort_size,
           coalesce(a.active, 0) AS active_customers, coalesce(a.active, 0) / g.size AS retention,
           coalesce(a.revenue, 0)::DOUBLE AS revenue,
           (sum(coalesce(a.revenue, 0)) OVER (PARTITION BY g.cohort ORDER BY g.k) / g.size)::DOUBLE AS cumulative_revenue_per_customer,
           g.period + ${unit} > CAST(${day} AS TIMESTAMP) AS partial,
           -- The first period of the data: its customers' earlier orders predate the data, so
           -- some of them are not new (their cohort is earlier) and its retention reads too high.
           g.cohort = (SELECT min(period) FROM lines) AS left_censored, coalesce(a.orders, 0) AS orders
    FROM grid g LEFT JOIN activity a ON a.cohort = g.cohort AND a.k = g.k
    WHERE true${maxOffset}
    ORDER BY g.cohort, g.k`;
  const members = sql`SELECT customer_id, strftime(cohort, '%Y-%m-%d') AS cohort FROM (${firsts})`;
  return { params, asOf, cells, members };
}

export const cohort = defineReport<CohortParams>({
  name: 'cohort',
  description:
    'Retention of first-purchase cohorts: active customers, revenue and the LTV curve by period offset',
  schema: CohortParamsSchema,
  async run(ctx, params) {
    const plan = await planCohort(ctx, params);
    const data = (await ctx.engine.query(plan.cells)).rows;
    const cohorts = new Map<string, number>();
    for (const r of data) cohorts.set(String(r['cohort']), Number(r['cohort_size']));
    const json = {
      params: plan.params,
      as_of: plan.asOf,
      granularity: plan.params.granularity,
      cohorts: [...cohorts].map(([c, size]) => ({ cohort: c, size })),
      cells: data,
    };
    return { json, rows: { columns: COHORT_COLUMNS, data } };
  },
});
