import { sql } from '../../sql';
import { type ClvModel, clvModel, pairOf, planClv, scoredSql } from '../clv/model';
import type { ReportContext } from '../common/context';
import { customerFilter } from './cube-sql';

/** The CLV report's answer for one customer (its defaults: weeks, a 52-week horizon, no discount). */
export interface CustomerClv {
  /** Repeat purchase days, weeks from the first to the last, weeks from the first to as_of. */
  frequency: number;
  recency: number;
  T: number;
  p_alive: number;
  /** Over the horizon. */
  expected_purchases: number | null;
  expected_avg_value: number | null;
  clv: number | null;
  unit: string;
  horizon: number;
}

/** The CLV report's fit on every customer as of one date, with its defaults: the expensive part, memoised. */
export function clvPopulationModel(ctx: ReportContext, asOf: string): Promise<ClvModel> {
  return clvModel(ctx, { as_of: asOf, limit: 0 });
}

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * One customer's row of the report: the customer's purchase days through the report's own SQL
 * (they depend on the customer's orders only), scored with the memoised fit and the brackets of
 * the customer's (x, T) alone.
 */
export async function customerClv(
  ctx: ReportContext,
  model: ClvModel,
  customerId: string,
  asOf: string,
): Promise<CustomerClv | null> {
  if (!model.fit) return null;
  const plan = await planClv(ctx, { as_of: asOf, filters: [customerFilter('orders', customerId)], limit: 0 });
  const [own] = (await ctx.engine.query(sql`SELECT x, t_days FROM (${plan.customers}) AS c`)).rows;
  if (!own) return null;
  const pairs = pairOf(model.fit.pairs, Number(own['x']), Number(own['t_days']));
  const [row] = (await ctx.engine.query(scoredSql(model, sql`(${plan.customers})`, pairs))).rows;
  if (!row) return null;
  return {
    frequency: Number(row['frequency']),
    recency: Number(row['recency']),
    T: Number(row['T']),
    p_alive: Number(row['p_alive']),
    expected_purchases: n(row['expected_purchases']),
    expected_avg_value: n(row['expected_avg_value']),
    clv: n(row['clv']),
    unit: model.plan.unit,
    horizon: model.plan.horizon,
  };
}
