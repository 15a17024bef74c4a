import { z } from 'zod';
import { cast, fn, param, raw, type SqlNode, select, sql, timeBucket } from '../../sql';
import { resolveAsOf } from '../common/as-of';
import type { ReportContext } from '../common/context';
import { cteEntry } from '../common/ctes';
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
      return sql`(${fn.datePart('year', x)} * 12 + ${fn.datePart('month', x)})`;
    case 'quarter':
      return sql`(${fn.datePart('year', x)} * 4 + ${fn.datePart('quarter', x)})`;
    case 'week':
      // Weeks since Monday 1970-01-05; x is a Monday, so the day count divides by 7.
      return fn.dateDiff('week', cast(param('1970-01-05'), 'date'), cast(x, 'date'));
  }
}

/** A date (or timestamp at midnight) as YYYY-MM-DD text on every engine. */
const dayText = (x: SqlNode) => cast(cast(x, 'date'), 'text');

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
  const day = cast(param(asOf ?? '1970-01-01'), 'timestamp');
  const g = params.granularity;
  const idx = (x: SqlNode) => periodIndex(g, x);
  // The last period that started before as_of (a date, so the period of the day before it).
  const last = timeBucket(g, fn.dateAdd('day', raw('-1'), day));
  const lines = sql`SELECT customer_id, order_id, revenue, ${timeBucket(g, raw('ts'))} AS period
                    FROM (${rows}) r WHERE completed AND customer_id IS NOT NULL AND ts < ${day}`;
  const firsts = sql`SELECT customer_id, min(period) AS cohort FROM (${lines}) l GROUP BY customer_id`;
  const fromCohort =
    params.from === undefined
      ? sql``
      : sql` WHERE cohort >= ${timeBucket(g, cast(param(params.from), 'timestamp'))}`;
  const maxOffset = params.max_offset === undefined ? sql`` : sql` AND g.k <= ${params.max_offset}`;
  const cells = select({
    with: [
      cteEntry('lines', lines, true),
      cteEntry('firsts', sql`SELECT customer_id, min(period) AS cohort FROM lines GROUP BY customer_id`),
      cteEntry(
        'activity',
        sql`SELECT f.cohort AS cohort, ${idx(sql`l.period`)} - ${idx(sql`f.cohort`)} AS k,
                   count(DISTINCT l.customer_id) AS active, sum(l.revenue) AS revenue,
                   count(DISTINCT l.order_id) AS orders
            FROM lines l JOIN firsts f ON f.customer_id = l.customer_id
            GROUP BY f.cohort, k`,
      ),
      cteEntry('cohorts', sql`SELECT cohort, count(*) AS size FROM firsts${fromCohort} GROUP BY cohort`),
      cteEntry(
        'grid',
        sql`SELECT c.cohort AS cohort, c.size AS size, c.k AS k, ${fn.dateAdd(g, raw('c.k'), raw('c.cohort'))} AS period
            FROM (SELECT cohort, size, ${fn.series(raw('0'), sql`${idx(last)} - ${idx(raw('cohort'))}`)} AS k FROM cohorts) c`,
      ),
    ],
    columns: [
      { expr: dayText(raw('g.cohort')), alias: 'cohort' },
      { expr: cast(raw('g.k'), 'integer'), alias: 'period_offset' },
      { expr: raw('g.size'), alias: 'cohort_size' },
      { expr: raw('coalesce(a.active, 0)'), alias: 'active_customers' },
      { expr: raw('coalesce(a.active, 0) / g.size'), alias: 'retention' },
      { expr: cast(raw('coalesce(a.revenue, 0)'), 'double'), alias: 'revenue' },
      {
        // The exact (decimal) running sum as a double, then divided: ClickHouse would keep a
        // decimal quotient's scale, DuckDB divides in doubles.
        expr: sql`${cast(raw('sum(coalesce(a.revenue, 0)) OVER (PARTITION BY g.cohort ORDER BY g.k)'), 'double')} / g.size`,
        alias: 'cumulative_revenue_per_customer',
      },
      { expr: fn.asBoolean(sql`${fn.dateAdd(g, raw('1'), raw('g.period'))} > ${day}`), alias: 'partial' },
      // The first period of the data: its customers' earlier orders predate the data, so
      // some of them are not new (their cohort is earlier) and its retention reads too high.
      { expr: fn.asBoolean(sql`g.cohort = (SELECT min(period) FROM lines)`), alias: 'left_censored' },
      { expr: raw('coalesce(a.orders, 0)'), alias: 'orders' },
    ],
    from: { kind: 'table', path: ['grid'], alias: 'g' },
    joins: [
      {
        type: 'left',
        item: { kind: 'table', path: ['activity'], alias: 'a' },
        on: raw('a.cohort = g.cohort AND a.k = g.k'),
      },
    ],
    where: sql`true${maxOffset}`,
    orderBy: [
      { expr: raw('g.cohort'), direction: 'asc' },
      { expr: raw('g.k'), direction: 'asc' },
    ],
  });
  const members = sql`SELECT f.customer_id AS customer_id, ${dayText(raw('f.cohort'))} AS cohort FROM (${firsts}) f`;
  return { params, asOf, cells, members };
}

export const cohort = defineReport<CohortParams>({
  name: 'cohort',
  description:
    'Retention of first-purchase cohorts: active customers, revenue and the LTV curve by period offset',
  schema: CohortParamsSchema,
  engines: ['duckdb', 'clickhouse'],
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
