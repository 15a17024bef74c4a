import { createHash } from 'node:crypto';
import type { Row, Session } from '../../engine';
import { AppError } from '../../errors';
import { cast, fn, func, ident, list, param, raw, type SqlNode, sql } from '../../sql';
import { resolveAsOf } from '../common/as-of';
import { computeOf, type ReportContext } from '../common/context';
import { orderRows } from '../common/order-rows';
import { parseParams } from '../common/params';
import { population } from '../common/population';
import { withTempTable } from '../common/temp';
import type { BgNbdParams } from './bgnbd';
import type { ClvFitInput, ClvFitOutput, PairBrackets } from './fit';
import { type GammaGammaParams, populationMeanSpend } from './gamma-gamma';
import { type ClvParams, ClvParamsSchema, type ClvUnit, horizonOf, UNIT_DAYS } from './params';

/**
 * The CLV model of a population: its plan (the customers' (x, t_x, T) and revenue out of SQL),
 * the BG/NBD and Gamma-Gamma fit (kept for recent inputs), and the SQL that scores customers.
 */

/** One row per customer, in this order. */
export const CLV_COLUMNS = [
  'customer_id',
  'frequency',
  'recency',
  'T',
  'p_alive',
  'expected_purchases',
  'expected_avg_value',
  'clv',
  'revenue',
] as const;

/** With a calibration end, each customer's hold-out transactions, actual and expected. */
export const HOLDOUT_COLUMNS = [...CLV_COLUMNS, 'holdout_actual', 'holdout_expected'] as const;

export interface ClvPlan {
  readonly params: ClvParams;
  readonly asOf: string | null;
  readonly calibrationEnd: string | null;
  readonly unit: ClvUnit;
  readonly unitDays: number;
  readonly horizon: number;
  /** The hold-out's length in days (as_of − calibration_end), with a calibration end. */
  readonly holdoutDays: number | null;
  /**
   * One row per customer with a purchase day before the cut (calibration_end, else as_of):
   * customer_id, x (repeat purchase days), tx_days, t_days, revenue, repeat_value, holdout_x.
   */
  readonly customers: SqlNode;
  /** Completed lines and orders before as_of without a customer id (left out). */
  readonly excluded: SqlNode;
  /** Customers whose first purchase day lies in the hold-out (not scored). */
  readonly newInHoldout: SqlNode;
}

const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/**
 * docs/analytics.md's CLV: the customers with a completed order line before as_of, their
 * purchase days (calendar days in the report's zone; several orders on a day are one
 * transaction, worth the day's revenue), and per customer x = purchase days before the cut − 1,
 * t_x = days from the first to the last of them, T = days from the first to the day before the
 * cut (a purchase day counts at its end), the revenue before the cut and the value of the repeat
 * days (all but the first).
 */
export async function planClv(ctx: ReportContext, input: unknown): Promise<ClvPlan> {
  const params = parseParams(ClvParamsSchema, input, 'clv');
  const p = population(ctx, 'orders', params);
  const rows = orderRows(ctx, p);
  const asOf = await resolveAsOf(ctx.engine, params.as_of, rows, 'ts');
  const calibrationEnd = params.calibration_end ?? null;
  if (calibrationEnd !== null && asOf !== null && calibrationEnd >= asOf) {
    throw new AppError(
      'VALIDATION_FAILED',
      `invalid clv parameters: calibration_end (${calibrationEnd}) must be before as_of (${asOf})`,
      { issues: [{ path: 'calibration_end', message: 'must be before as_of' }] },
    );
  }
  const day = asOf ?? '1970-01-01';
  const cut = calibrationEnd ?? day;
  const lines = sql`SELECT * FROM (${rows}) AS r WHERE completed AND ts < ${cast(param(day), 'timestamp')}`;
  const purchaseDays = sql`
    SELECT customer_id, ${cast(raw('ts'), 'date')} AS day, sum(revenue) AS value
    FROM (${lines}) AS l WHERE customer_id IS NOT NULL GROUP BY customer_id, day`;
  const cutDay = () => cast(param(cut), 'date');
  const before = sql`day < ${cutDay()}`;
  const sumBefore = func('sum', [raw('value')], { filter: before });
  const customers = sql`
    SELECT customer_id,
           ${cast(sql`${func('count', [], { filter: before })} - 1`, 'integer')} AS x,
           ${cast(fn.dateDiff('day', raw('min(day)'), func('max', [raw('day')], { filter: before })), 'integer')} AS tx_days,
           ${cast(fn.dateDiff('day', raw('min(day)'), fn.dateAdd('day', raw('-1'), cutDay())), 'integer')} AS t_days,
           ${sumBefore} AS revenue,
           ${sumBefore} - ${fn.argMin(raw('value'), raw('day'))} AS repeat_value,
           ${cast(func('count', [], { filter: sql`NOT (${before})` }), 'integer')} AS holdout_x
    FROM (${purchaseDays}) AS d GROUP BY customer_id HAVING min(day) < ${cutDay()}`;
  const excluded = sql`SELECT count(*) AS lines, count(DISTINCT order_id) AS orders FROM (${lines}) AS l WHERE customer_id IS NULL`;
  const newInHoldout = sql`
    SELECT count(*) AS customers FROM (
      SELECT customer_id FROM (${purchaseDays}) AS d GROUP BY customer_id HAVING min(day) >= ${cutDay()}) AS n`;
  return {
    params,
    asOf,
    calibrationEnd,
    unit: params.unit,
    unitDays: UNIT_DAYS[params.unit],
    horizon: horizonOf(params),
    holdoutDays: calibrationEnd !== null && asOf !== null ? days(calibrationEnd, asOf) : null,
    customers,
    excluded,
    newInHoldout,
  };
}

/** The fitted model: its parameters and the brackets of every (x, T) of the population. */
export interface ClvModel {
  readonly plan: ClvPlan;
  readonly fit: ClvFitOutput | null;
  readonly customers: number;
  readonly distinctTriples: number;
  /** Customers with repeat purchases whose repeat days are worth nothing: not in the spend fit. */
  readonly zeroRepeatSpend: number;
}

/**
 * The brackets per (x, t_days) as a FROM item (pair_x, pair_t_days, b_…): each column bound as
 * one text parameter (numbers joined by commas, '' for a non-finite value: NULL), split in SQL
 * once, and read by index over a series of row numbers: the same SQL on every engine (no zipped
 * unnest in ClickHouse), and fast (the DuckDB client binds a list element by element: half a
 * second for 100,000 texts). The shortest round-trip text of a double reads back as the same
 * double on both engines.
 */
function bracketsSql(pairs: PairBrackets): SqlNode {
  const columns: [string, ArrayLike<number>, 'double' | 'integer'][] = [
    ['pair_x', pairs.x, 'integer'],
    ['pair_t_days', pairs.tDays, 'integer'],
    ['b_horizon', pairs.horizon, 'double'],
    ['b_discounted', pairs.discounted, 'double'],
    ...(pairs.holdout
      ? [['b_holdout', pairs.holdout, 'double'] as [string, ArrayLike<number>, 'double']]
      : []),
  ];
  if (pairs.x.length === 0) {
    return sql`(SELECT ${list(columns.map(([n, , t]) => sql`${cast(raw('NULL'), t)} AS ${ident(n)}`))} WHERE false)`;
  }
  const text = (values: ArrayLike<number>) =>
    Array.from(values, (v) => (Number.isFinite(v) ? String(v) : '')).join(',');
  const split = list(
    columns.map(([n, v]) => sql`${fn.splitText(param(text(v)), param(','))} AS ${ident(`l_${n}`)}`),
  );
  const read = list(
    columns.map(
      ([n, , t]) =>
        sql`${cast(sql`NULLIF(${fn.arrayElement(ident(`l_${n}`), raw('i'))}, '')`, t)} AS ${ident(n)}`,
    ),
  );
  return sql`(SELECT ${read} FROM (SELECT ${fn.series(raw('1'), param(pairs.x.length))} AS i, ${split}) AS s)`;
}

/** Sums the triples and spend groups of a customers table (a FROM item) out of SQL. */
async function fitInput(
  session: Session,
  plan: ClvPlan,
  source: SqlNode,
): Promise<{ input: ClvFitInput; customers: number; zeroRepeatSpend: number }> {
  // Ordered, so that the same customers always give the same fit to the last bit (sums in the
  // same order). Rows rather than list() aggregates: four ordered lists cost four sorts.
  const triples = (
    await session.query(sql`
      SELECT x, tx_days, t_days, count(*) AS n FROM ${source} GROUP BY x, tx_days, t_days ORDER BY x, tx_days, t_days`)
  ).rows;
  const spend = (
    await session.query(sql`
      SELECT x, ${cast(raw('repeat_value'), 'double')} AS s, count(*) AS n FROM ${source}
      WHERE x > 0 AND repeat_value > 0 GROUP BY x, repeat_value ORDER BY x, repeat_value`)
  ).rows;
  const [zero] = (
    await session.query(sql`SELECT count(*) AS n FROM ${source} WHERE x > 0 AND NOT repeat_value > 0`)
  ).rows;
  const column = (rows: readonly Row[], key: string) => Float64Array.from(rows, (r) => Number(r[key]));
  const n = column(triples, 'n');
  return {
    input: {
      triples: {
        x: column(triples, 'x'),
        txDays: column(triples, 'tx_days'),
        tDays: column(triples, 't_days'),
        n,
      },
      spend: { x: column(spend, 'x'), s: column(spend, 's'), n: column(spend, 'n') },
      unitDays: plan.unitDays,
      horizon: plan.horizon,
      discountRate: plan.params.discount_rate,
      holdout: plan.holdoutDays === null ? null : plan.holdoutDays / plan.unitDays,
    },
    customers: n.reduce((a, b) => a + b, 0),
    zeroRepeatSpend: Number(zero?.['n'] ?? 0),
  };
}

/**
 * Fits BG/NBD and Gamma-Gamma on the customers of `source` (a FROM item holding the plan's
 * customers) in a compute worker: the triples and spend groups come out of SQL, the optimiser
 * never runs on the event loop.
 */
export async function fitModel(
  ctx: ReportContext,
  session: Session,
  plan: ClvPlan,
  source: SqlNode,
): Promise<ClvModel> {
  const { input, customers, zeroRepeatSpend } = await fitInput(session, plan, source);
  if (customers === 0) return { plan, fit: null, customers: 0, distinctTriples: 0, zeroRepeatSpend };
  const fit = await cachedFit(input, () => computeOf(ctx).run('clv', input));
  return { plan, fit, customers, distinctTriples: input.triples.x.length, zeroRepeatSpend };
}

/** Recent fits by the digest of their input: the same customers and options give the same fit. */
const FITS = new Map<string, Promise<ClvFitOutput>>();
const FITS_KEPT = 8;

/** Forgets the kept fits (benchmarks time the fit itself). */
export function forgetFits(): void {
  FITS.clear();
}

/**
 * A fit is a pure function of its input, so it is kept by a digest of the input's bytes: the
 * tiles of a dashboard, Customer 360 and a target group on the same population share one fit,
 * and a changed warehouse changes the input (no version to track). A failed fit is not kept.
 */
function cachedFit(input: ClvFitInput, compute: () => Promise<ClvFitOutput>): Promise<ClvFitOutput> {
  const hash = createHash('sha256');
  const { triples, spend } = input;
  for (const a of [triples.x, triples.txDays, triples.tDays, triples.n, spend.x, spend.s, spend.n]) {
    hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    hash.update('|');
  }
  hash.update(JSON.stringify([input.unitDays, input.horizon, input.discountRate, input.holdout]));
  const key = hash.digest('hex');
  const hit = FITS.get(key);
  if (hit) {
    FITS.delete(key);
    FITS.set(key, hit);
    return hit;
  }
  const work = compute();
  FITS.set(key, work);
  work.catch(() => {
    if (FITS.get(key) === work) FITS.delete(key);
  });
  while (FITS.size > FITS_KEPT) FITS.delete(FITS.keys().next().value!);
  return work;
}

/** Plans and fits on a temp table of the customers. */
export async function clvModel(ctx: ReportContext, input: unknown): Promise<ClvModel> {
  const plan = await planClv(ctx, input);
  return withTempTable(ctx.engine, plan.customers, (session, t) => fitModel(ctx, session, plan, t));
}

const num = (v: number) => param(v, 'DOUBLE');

/**
 * Each customer of `source` scored (HOLDOUT_COLUMNS with a calibration end, else CLV_COLUMNS):
 * P(alive) in closed form from the fitted parameters, expected purchases as
 * (a+b+x−1) · P(alive) · the bracket of the customer's (x, T), the expected average value by
 * Gamma-Gamma, CLV = discounted expected purchases × expected average value.
 */
export function scoredSql(model: ClvModel, source: SqlNode, pairs?: PairBrackets): SqlNode {
  const { plan, fit } = model;
  const holdout = plan.calibrationEnd !== null;
  const columns = holdout ? HOLDOUT_COLUMNS : CLV_COLUMNS;
  if (!fit) {
    return sql`SELECT ${list(columns.map((c) => sql`NULL AS ${ident(c)}`))} WHERE false`;
  }
  const { r, alpha, a, b }: BgNbdParams = fit.bgnbd.params;
  const u = num(plan.unitDays);
  const logOdds = sql`(ln(${num(a)}) - ln(${num(b)} + x - 1)
      + (${num(r)} + x) * (ln(${num(alpha)} + t_days / ${u}) - ln(${num(alpha)} + tx_days / ${u})))`;
  const pAlive = sql`CASE WHEN x = 0 THEN 1.0
      WHEN ${logOdds} > 0 THEN exp(-${logOdds}) / (1 + exp(-${logOdds})) ELSE 1 / (1 + exp(${logOdds})) END`;
  const gg: GammaGammaParams | null = fit.gammaGamma?.params ?? null;
  const value =
    gg && populationMeanSpend(gg) !== null
      ? sql`CASE WHEN x > 0 THEN ${num(gg.p)} * (${num(gg.gamma)} + ${cast(raw('repeat_value'), 'double')}) / (${num(gg.p)} * x + ${num(gg.q)} - 1)
            ELSE ${num(populationMeanSpend(gg)!)} END`
      : cast(raw('NULL'), 'double');
  const holdoutColumns = holdout
    ? sql`, holdout_x AS holdout_actual, scale * b_holdout AS holdout_expected`
    : sql``;
  return sql`
    SELECT customer_id, x AS frequency, tx_days / ${u} AS recency, t_days / ${u} AS ${ident('T')}, p_alive,
           scale * b_horizon AS expected_purchases, expected_avg_value,
           scale * b_discounted * expected_avg_value AS clv, revenue${holdoutColumns}
    FROM (
      SELECT c.customer_id AS customer_id, c.x AS x, c.tx_days AS tx_days, c.t_days AS t_days,
             ${cast(raw('c.revenue'), 'double')} AS revenue, c.holdout_x AS holdout_x,
             ${pAlive} AS p_alive, (${num(a + b - 1)} + x) * (${pAlive}) AS scale, ${value} AS expected_avg_value,
             v.b_horizon AS b_horizon, v.b_discounted AS b_discounted${holdout ? sql`, v.b_holdout AS b_holdout` : sql``}
      FROM ${source} AS c JOIN ${bracketsSql(pairs ?? fit.pairs)} AS v ON v.pair_x = c.x AND v.pair_t_days = c.t_days) AS scored`;
}

/** The brackets of one (x, T days) alone: enough to score the customers who have it. */
export function pairOf(pairs: PairBrackets, x: number, tDays: number): PairBrackets {
  const i = pairs.x.findIndex((v, k) => v === x && pairs.tDays[k] === tDays);
  const at = (a: Float64Array) => (i < 0 ? new Float64Array(0) : a.subarray(i, i + 1));
  return {
    x: at(pairs.x),
    tDays: at(pairs.tDays),
    horizon: at(pairs.horizon),
    discounted: at(pairs.discounted),
    holdout: pairs.holdout ? at(pairs.holdout) : null,
  };
}
