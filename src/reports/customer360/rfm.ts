import type { Row } from '../../engine';
import { type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { planRfm } from '../rfm/report';
import { type SegmentMap, segmentOf } from '../rfm/segment-map';
import { customerFilter } from './cube-sql';

/** The RFM report's population as of one date: each raw value, sorted, for ranking one customer. */
export interface RfmPopulation {
  readonly asOf: string;
  readonly bins: number;
  readonly map: SegmentMap;
  readonly recency: Float64Array;
  readonly frequency: Float64Array;
  readonly monetary: Float64Array;
}

export interface CustomerRfm {
  recency_days: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  cell: string;
  segment: string;
  /** Customers the scores rank against. */
  population: number;
}

const RAW = (customers: SqlNode) =>
  sql`SELECT customer_id, recency_days, frequency, monetary FROM (${customers})`;

/**
 * The RFM report's raw values of every customer (the report's own SQL, default parameters):
 * the expensive part, worth keeping per warehouse version.
 */
export async function rfmPopulation(ctx: ReportContext, asOf: string): Promise<RfmPopulation> {
  const plan = await planRfm(ctx, { as_of: asOf, limit: 0 });
  const rows = (await ctx.engine.query(RAW(plan.customers))).rows;
  const sorted = (key: string) => Float64Array.from(rows, (r) => Number(r[key])).sort();
  return {
    asOf,
    bins: plan.params.bins,
    map: plan.map,
    recency: sorted('recency_days'),
    frequency: sorted('frequency'),
    monetary: sorted('monetary'),
  };
}

/** How many values of an ascending array are below `x` (or at most `x` with `orEqual`). */
function countBelow(values: Float64Array, x: number, orEqual: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x || (orEqual && values[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A customer's raw values as the RFM report computes them. */
export interface RfmValues {
  readonly recency_days: number;
  readonly frequency: number;
  readonly monetary: number;
}

/**
 * One customer's RFM, equal to the report's row for them: the raw values come from the
 * report's own SQL restricted to the customer (they depend on the customer's orders only), each
 * score from the report's formula, 1 + floor(bins·(rank − 1)/n) with rank = 1 + the customers
 * strictly before (ties share the lowest rank; R ranks descending). DECIMAL sums arrive as
 * doubles on both sides, which keeps their order and ties for amounts below 10^11.
 */
export function scoreRfm(population: RfmPopulation, values: RfmValues): CustomerRfm {
  const { recency_days, frequency, monetary } = values;
  const n = population.recency.length;
  const score = (rank: number) => 1 + Math.floor((population.bins * (rank - 1)) / n);
  const r = score(1 + n - countBelow(population.recency, recency_days, true));
  const f = score(1 + countBelow(population.frequency, frequency, false));
  const m = score(1 + countBelow(population.monetary, monetary, false));
  return {
    recency_days,
    frequency,
    monetary,
    r,
    f,
    m,
    cell: `${r}${f}${m}`,
    segment: segmentOf(population.map, r, f, m),
    population: n,
  };
}

/** The report's raw row of one customer (customer_id, recency_days, frequency, monetary), if any. */
export async function customerRfmSql(ctx: ReportContext, asOf: string, customerId: string): Promise<SqlNode> {
  const plan = await planRfm(ctx, { as_of: asOf, filters: [customerFilter('orders', customerId)], limit: 0 });
  return RAW(plan.customers);
}

export function rfmValues(row: Row): RfmValues {
  return {
    recency_days: Number(row['recency_days']),
    frequency: Number(row['frequency']),
    monetary: Number(row['monetary']),
  };
}
