import type { Row } from '../../engine';
import { func, ident, list, param, raw, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { dropTempTables, tempTableName, withTempTable } from '../common/temp';
import { populationMeanSpend } from './gamma-gamma';
import { CLV_COLUMNS, type ClvModel, clvModel, fitModel, HOLDOUT_COLUMNS, planClv, scoredSql } from './model';
import { type ClvParams, ClvParamsSchema, type ClvUnit } from './params';
import { aliveGrid, distribution, holdoutCheck, valueRisk } from './summaries';

export { type ClvParams, ClvParamsSchema } from './params';

const num = (v: number) => param(v, 'DOUBLE');

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
