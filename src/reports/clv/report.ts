import { createHash } from 'node:crypto';
import type { Row, Session } from '../../engine';
import { AppError } from '../../errors';
import { cast, fn, func, ident, list, param, raw, type SqlNode, sql } from '../../sql';
import { resolveAsOf } from '../common/as-of';
import { computeOf, type ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { parseParams } from '../common/params';
import { col, localTime, population, populationRows } from '../common/population';
import { dropTempTables, tempTableName, withTempTable } from '../common/temp';
import type { BgNbdParams } from './bgnbd';
import type { ClvFitInput, ClvFitOutput, PairBrackets } from './fit';
import { type GammaGammaParams, populationMeanSpend } from './gamma-gamma';
import { type ClvParams, ClvParamsSchema, type ClvUnit, horizonOf, UNIT_DAYS } from './params';
import { aliveGrid, distribution, holdoutCheck, valueRisk } from './summaries';

export { type ClvParams, ClvParamsSchema } from './params';

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

const COMPLETED = (p: Parameters<typeof col>[0]) =>
  sql`${col(p, 'status')} = 'completed' AND ${col(p, 'quantity')} > 0 AND ${col(p, 'unit_price')} >= 0`;

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
  const rows = populationRows(ctx, p, [
    { expr: col(p, 'customer_id'), alias: 'customer_id' },
    { expr: col(p, 'order_id'), alias: 'order_id' },
    { expr: localTime(p, 'ordered_at'), alias: 'ts' },
    { expr: col(p, 'revenue'), alias: 'revenue' },
    { expr: COMPLETED(p), alias: 'completed' },
  ]);
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

const ORDER = sql`ORDER BY clv DESC NULLS LAST, customer_id`;

export interface ClvResult {
  params: Omit<ClvParams, 'limit'> & { horizon: number };
  as_of: string | null;
  calibration_end: string | null;
  unit: ClvUnit;
  horizon: number;
  discount_rate: number;
  population: {
    customers: number;
    one_time_buyers: number;
    distinct_triples: number;
    excluded_lines_without_customer: number;
    excluded_orders_without_customer: number;
    first_purchase_in_holdout?: number;
  };
  model: {
    bgnbd: Record<string, unknown>;
    gamma_gamma: Record<string, unknown> | null;
  } | null;
  totals: Row;
  distribution: Row[];
  alive_grid: Row[];
  value_risk: Row[];
  holdout?: Record<string, unknown>;
  customers: Row[];
  customers_total: number;
  notes: string[];
}

function modelJson(model: ClvModel): ClvResult['model'] {
  const fit = model.fit;
  if (!fit) return null;
  const { bgnbd, gammaGamma } = fit;
  return {
    bgnbd: {
      ...bgnbd.params,
      log_likelihood: bgnbd.log_likelihood,
      customers: bgnbd.customers,
      converged: bgnbd.converged,
      iterations: bgnbd.iterations,
      evaluations: bgnbd.evaluations,
      starts: bgnbd.starts,
      start_sample: bgnbd.start_sample,
      gradient_max: bgnbd.gradient_max,
    },
    gamma_gamma: gammaGamma
      ? {
          ...gammaGamma.params,
          log_likelihood: gammaGamma.log_likelihood,
          customers: gammaGamma.customers,
          excluded_zero_repeat_spend: model.zeroRepeatSpend,
          population_mean_value: populationMeanSpend(gammaGamma.params),
          converged: gammaGamma.converged,
          iterations: gammaGamma.iterations,
          evaluations: gammaGamma.evaluations,
          starts: gammaGamma.starts,
          start_sample: gammaGamma.start_sample,
          gradient_max: gammaGamma.gradient_max,
        }
      : null,
  };
}

function notesOf(model: ClvModel): string[] {
  const notes: string[] = [];
  const fit = model.fit;
  if (!fit) return notes;
  if (!fit.bgnbd.converged) notes.push('BG/NBD: the optimiser stopped before converging');
  if (fit.gammaGamma && !fit.gammaGamma.converged)
    notes.push('Gamma-Gamma: the optimiser stopped before converging');
  if (!fit.gammaGamma)
    notes.push('no customer has repeat purchases worth more than 0: no expected value or CLV');
  else if (populationMeanSpend(fit.gammaGamma.params) === null) {
    notes.push('Gamma-Gamma fitted q <= 1: the mean spend is infinite, no expected value or CLV');
  }
  if (fit.notComputable > 0) {
    notes.push(
      `${fit.notComputable} (frequency, T) pairs: the expectation's series did not converge (left empty)`,
    );
  }
  return notes;
}

/** The CLV report as JSON: the fitted models, totals, the tiles' summaries and the first `limit` customers. */
export async function clvReport(ctx: ReportContext, input: unknown): Promise<ClvResult> {
  const plan = await planClv(ctx, input);
  const { limit, ...rest } = plan.params;
  const [excluded] = (await ctx.engine.query(plan.excluded)).rows;
  return withTempTable(ctx.engine, plan.customers, async (session, t) => {
    const model = await fitModel(ctx, session, plan, t);
    const name = tempTableName('clv_scored');
    const scored = ident(name);
    // The dialect spells it (ClickHouse needs an engine); the name is new to this process.
    await session.exec({ kind: 'create_temp_table', name, query: scoredSql(model, t) });
    try {
      const [totals] = (
        await session.query(sql`
          SELECT count(*) AS customers, ${func('count', [], { filter: raw('frequency = 0') })} AS one_time_buyers,
                 ${func('avg', [raw('p_alive')])} AS mean_p_alive,
                 ${func('sum', [raw('expected_purchases')])} AS expected_purchases,
                 ${func('sum', [raw('value')])} AS clv, ${func('avg', [raw('value')])} AS mean_clv,
                 ${func('sum', [raw('revenue')])} AS revenue
          FROM (SELECT *, clv AS value FROM ${scored}) AS s`)
      ).rows;
      const customers = (await session.query(sql`SELECT * FROM ${scored} ${ORDER} LIMIT ${param(limit)}`))
        .rows;
      const total = Number(totals?.['customers'] ?? 0);
      const newInHoldout =
        plan.calibrationEnd !== null
          ? // On the session held: a second connection from the pool could wait forever.
            Number((await session.query(plan.newInHoldout)).rows[0]?.['customers'] ?? 0)
          : undefined;
      return {
        params: { ...rest, horizon: plan.horizon },
        as_of: plan.asOf,
        calibration_end: plan.calibrationEnd,
        unit: plan.unit,
        horizon: plan.horizon,
        discount_rate: plan.params.discount_rate,
        population: {
          customers: total,
          one_time_buyers: Number(totals?.['one_time_buyers'] ?? 0),
          distinct_triples: model.distinctTriples,
          excluded_lines_without_customer: Number(excluded?.['lines'] ?? 0),
          excluded_orders_without_customer: Number(excluded?.['orders'] ?? 0),
          ...(newInHoldout !== undefined ? { first_purchase_in_holdout: newInHoldout } : {}),
        },
        model: modelJson(model),
        totals: totals ?? {},
        distribution: await distribution(session, scored),
        alive_grid: await aliveGrid(session, scored, plan.unitDays),
        value_risk: await valueRisk(session, scored),
        ...(plan.calibrationEnd !== null ? { holdout: await holdoutCheck(session, scored, plan) } : {}),
        customers,
        customers_total: total,
        notes: notesOf(model),
      };
    } finally {
      await dropTempTables(session, [name]);
    }
  });
}

/**
 * Every scored customer as SQL (the population's customers recomputed, the brackets bound):
 * what CSV and Arrow stream, target groups select from and Customer 360 reads one row of.
 */
export async function clvTable(
  ctx: ReportContext,
  input: unknown,
): Promise<{ sql: SqlNode; model: ClvModel }> {
  const model = await clvModel(ctx, input);
  return { sql: scoredSql(model, sql`(${model.plan.customers})`), model };
}

/** The customers of a CLV slice: past revenue at least `min_value`, P(alive) at most `max_p_alive`, CLV at least `min_clv`. */
export async function clvMembers(
  ctx: ReportContext,
  params: unknown,
  slice: {
    min_value?: number;
    max_value?: number;
    min_p_alive?: number;
    max_p_alive?: number;
    min_clv?: number;
  },
): Promise<SqlNode> {
  const { sql: scored } = await clvTable(ctx, { ...(params as object), limit: 0 });
  const conditions: SqlNode[] = [raw('true')];
  if (slice.min_value !== undefined) conditions.push(sql`revenue >= ${num(slice.min_value)}`);
  if (slice.max_value !== undefined) conditions.push(sql`revenue < ${num(slice.max_value)}`);
  if (slice.min_p_alive !== undefined) conditions.push(sql`p_alive > ${num(slice.min_p_alive)}`);
  if (slice.max_p_alive !== undefined) conditions.push(sql`p_alive <= ${num(slice.max_p_alive)}`);
  if (slice.min_clv !== undefined) conditions.push(sql`clv >= ${num(slice.min_clv)}`);
  return sql`SELECT customer_id FROM (${scored}) WHERE ${list(conditions, ' AND ')}`;
}

export const clv = defineReport<ClvParams>({
  name: 'clv',
  description:
    'Customer lifetime value: BG/NBD purchases and P(alive), Gamma-Gamma spend, per customer over a horizon',
  schema: ClvParamsSchema,
  engines: ['duckdb', 'clickhouse'],
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
    const json = await clvReport(ctx, params);
    return {
      json: json as unknown as Record<string, unknown>,
      rows: { columns: json.calibration_end ? HOLDOUT_COLUMNS : CLV_COLUMNS, data: json.customers },
      footer: footerOf(json),
    };
  },
  async table(ctx, params) {
    const { sql: scored, model } = await clvTable(ctx, params);
    return {
      sql: sql`SELECT * FROM (${scored}) ${ORDER}`,
      columns: model.plan.calibrationEnd ? HOLDOUT_COLUMNS : CLV_COLUMNS,
    };
  },
});

function footerOf(json: ClvResult): string {
  const m = json.model;
  if (!m) return 'no customers';
  const f = (v: unknown, d = 3) => (typeof v === 'number' ? v.toFixed(d) : String(v));
  const bg = m.bgnbd;
  const lines = [
    `BG/NBD: r ${f(bg['r'])}, alpha ${f(bg['alpha'])}, a ${f(bg['a'])}, b ${f(bg['b'])}; log-likelihood ${f(bg['log_likelihood'], 1)}; ${bg['customers']} customers; ${bg['converged'] ? 'converged' : 'NOT converged'} in ${bg['iterations']} iterations`,
  ];
  const gg = m.gamma_gamma;
  if (gg) {
    lines.push(
      `Gamma-Gamma: p ${f(gg['p'])}, q ${f(gg['q'])}, gamma ${f(gg['gamma'])}; log-likelihood ${f(gg['log_likelihood'], 1)}; ${gg['customers']} customers; ${gg['converged'] ? 'converged' : 'NOT converged'} in ${gg['iterations']} iterations`,
    );
  }
  if (json.holdout) {
    lines.push(
      `Hold-out ${json.holdout['from']} to ${json.holdout['to']}: ${f(json.holdout['actual'], 0)} repeat transactions, ${f(json.holdout['expected'], 1)} expected`,
    );
  }
  return [...lines, ...json.notes].join('\n');
}
