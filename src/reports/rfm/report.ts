import { z } from 'zod';
import type { Row } from '../../engine';
import { cast, fn, list, param, raw, type SqlNode, sql } from '../../sql';
import { resolveAsOf } from '../common/as-of';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { orderRows } from '../common/order-rows';
import { IsoDate, JsonLimit, parseParams, ReportBaseShape } from '../common/params';
import { population } from '../common/population';
import { withTempTable } from '../common/temp';
import { BUILT_IN_MAPS, builtInMap, checkMap, type SegmentMap, SegmentMapSchema } from './segment-map';

export const RfmParamsSchema = z
  .object({
    ...ReportBaseShape,
    /** Only orders on or after this date count. */
    from: IsoDate.optional(),
    /** Scores run 1..bins [5]. */
    bins: z.number().int().min(2).max(10).default(5),
    /** A built-in map or rows of (segment, r, f, m ranges) [default]. */
    segment_map: z.union([z.enum(BUILT_IN_MAPS), SegmentMapSchema]).default('default'),
    limit: JsonLimit,
  })
  .strict();

export type RfmParams = z.infer<typeof RfmParamsSchema>;

export const RFM_COLUMNS = [
  'customer_id',
  'recency_days',
  'frequency',
  'monetary',
  'r_score',
  'f_score',
  'm_score',
  'rfm_cell',
  'segment',
] as const;

export interface RfmPlan {
  readonly params: RfmParams;
  readonly asOf: string | null;
  readonly map: SegmentMap;
  /** One row per customer, in RFM_COLUMNS order, by customer_id. */
  readonly customers: SqlNode;
  /** One row per customer: customer_id, recency_days, frequency, monetary (no scores, no order). */
  readonly values: SqlNode;
  /** Completed order lines and orders before as_of without a customer_id (left out). */
  readonly excluded: SqlNode;
}

function segmentCase(map: SegmentMap): SqlNode {
  const whens = map.segments.map((s) => {
    const conds: SqlNode[] = [];
    for (const [key, range] of [
      ['r', s.r],
      ['f', s.f],
      ['m', s.m],
    ] as const) {
      if (range) conds.push(sql`${raw(`${key}_score`)} BETWEEN ${range[0]} AND ${range[1]}`);
    }
    return sql`WHEN ${conds.length > 0 ? list(conds, ' AND ') : raw('true')} THEN ${s.segment}`;
  });
  return sql`CASE ${list(whens, ' ')} ELSE 'Others' END`;
}

/**
 * docs/analytics.md's RFM: per customer with a completed order before as_of, R = days from the last
 * completed order to as_of, F = orders, M = revenue; scores 1 + floor(bins·(rank−1)/n) with
 * ties at the lowest rank, R ranked descending; the segment from the map, first match wins.
 */
export async function planRfm(ctx: ReportContext, input: unknown): Promise<RfmPlan> {
  const params = parseParams(RfmParamsSchema, input, 'rfm');
  const map = checkMap(
    typeof params.segment_map === 'string' ? builtInMap(params.segment_map) : params.segment_map,
    params.bins,
  );
  const p = population(ctx, 'orders', params);
  const rows = orderRows(ctx, p);
  const asOf = await resolveAsOf(ctx.engine, params.as_of, rows, 'ts');
  const day = param(asOf ?? '1970-01-01');
  const since = params.from === undefined ? sql`` : sql` AND ts >= ${cast(param(params.from), 'timestamp')}`;
  const lines = sql`SELECT * FROM (${rows}) r WHERE completed AND ts < ${cast(day, 'timestamp')}${since}`;
  const bins = params.bins;
  const score = (order: SqlNode) =>
    cast(sql`1 + floor(${bins} * (rank() OVER (ORDER BY ${order}) - 1) / count(*) OVER ())`, 'integer');
  const recency = fn.dateDiff('day', cast(raw('max(ts)'), 'date'), cast(day, 'date'));
  const values = sql`
    SELECT customer_id, ${cast(recency, 'integer')} AS recency_days,
           count(DISTINCT order_id) AS frequency, sum(revenue) AS monetary
    FROM (${lines}) l WHERE customer_id IS NOT NULL GROUP BY customer_id`;
  const customers = sql`
    SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score,
           ${cast(raw('r_score'), 'text')} || ${cast(raw('f_score'), 'text')} || ${cast(raw('m_score'), 'text')} AS rfm_cell,
           ${segmentCase(map)} AS segment
    FROM (
      SELECT *, ${score(raw('recency_days DESC'))} AS r_score, ${score(raw('frequency ASC'))} AS f_score,
             ${score(raw('monetary ASC'))} AS m_score
      FROM (${values}) v) s
    ORDER BY customer_id`;
  const excluded = sql`SELECT count(*) AS lines, count(DISTINCT order_id) AS orders FROM (${lines}) l WHERE customer_id IS NULL`;
  return { params, asOf, map, customers, values, excluded };
}

export interface RfmResult {
  params: Omit<RfmParams, 'limit'>;
  as_of: string | null;
  population: {
    customers: number;
    excluded_lines_without_customer: number;
    excluded_orders_without_customer: number;
  };
  segments: Row[];
  grid: Row[];
  customers: Row[];
  customers_total: number;
}

/** The RFM report as JSON: segment summary, the R×F grid, and the first `limit` customers. */
export async function rfmReport(ctx: ReportContext, input: unknown): Promise<RfmResult> {
  const plan = await planRfm(ctx, input);
  const { limit, ...rest } = plan.params;
  const [excluded] = (await ctx.engine.query(plan.excluded)).rows;
  // The exact (decimal) sum as a double before dividing: ClickHouse keeps a decimal quotient's
  // scale where DuckDB divides in doubles, and averages agree only from the same sum.
  const revenue = cast(raw('sum(monetary)'), 'double');
  return withTempTable(ctx.engine, plan.customers, async (session, t) => {
    const segments = (
      await session.query(sql`
        SELECT segment, count(*) AS customers, ${revenue} AS revenue,
               count(*) / sum(count(*)) OVER () AS customer_share,
               ${revenue} / ${cast(raw('sum(sum(monetary)) OVER ()'), 'double')} AS revenue_share,
               avg(recency_days) AS mean_recency_days, avg(frequency) AS mean_frequency, ${revenue} / count(*) AS mean_monetary
        FROM ${t} GROUP BY segment ORDER BY revenue DESC`)
    ).rows;
    const grid = (
      await session.query(sql`
        SELECT r_score, f_score, count(*) AS customers, ${revenue} / count(*) AS mean_monetary, ${revenue} AS revenue
        FROM ${t} GROUP BY r_score, f_score ORDER BY r_score, f_score`)
    ).rows;
    const customers = (
      await session.query(sql`SELECT * FROM ${t} ORDER BY customer_id LIMIT ${param(limit)}`)
    ).rows;
    const total = segments.reduce((n, s) => n + Number(s['customers']), 0);
    return {
      params: rest,
      as_of: plan.asOf,
      population: {
        customers: total,
        excluded_lines_without_customer: Number(excluded?.['lines'] ?? 0),
        excluded_orders_without_customer: Number(excluded?.['orders'] ?? 0),
      },
      segments,
      grid,
      customers,
      customers_total: total,
    };
  });
}

export const rfm = defineReport<RfmParams>({
  name: 'rfm',
  description: 'Recency, frequency and monetary scores per customer, RFM cells and named segments',
  schema: RfmParamsSchema,
  engines: ['duckdb', 'clickhouse'],
  // One row per customer: a JSON answer lists `limit` customer ids, CSV and Arrow all of them.
  lists: (params, format) =>
    format !== 'json' || params.limit > 0
      ? [
          {
            member: 'customers.customer_id',
            because: 'its rows are customers; ask for JSON with limit 0 for the summary without them',
          },
        ]
      : [],
  async run(ctx, params) {
    const json = await rfmReport(ctx, params);
    return {
      json: json as unknown as Record<string, unknown>,
      rows: { columns: RFM_COLUMNS, data: json.customers },
    };
  },
  async table(ctx, params) {
    const plan = await planRfm(ctx, params);
    return { sql: plan.customers, columns: RFM_COLUMNS };
  },
});
