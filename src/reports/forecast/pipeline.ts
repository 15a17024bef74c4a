import { z } from 'zod';
import type { Row } from '../../engine';
import { AppError } from '../../errors';
import { cast, fn, list, param, raw, type SqlNode, sql, timeBucket } from '../../sql';
import { resolveAsOf } from '../common/as-of';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { IsoDate, parseParams, ReportBaseShape } from '../common/params';
import { col, localTime, population, populationRows } from '../common/population';
import { addDays, addPeriods, FORECAST_GRANULARITIES, periodRange, periodStart } from './periods';

export const PipelineForecastParamsSchema = z
  .object({
    ...ReportBaseShape,
    /** The expected close period [month]. */
    granularity: z.enum(FORECAST_GRANULARITIES).default('month'),
    /** Only periods starting on or after the period of this date [the first period with a deal]. */
    from: IsoDate.optional(),
    /**
     * Without \`from\`: start this many periods before as_of's period, so a dashboard shows recent
     * wins next to the open pipeline whatever the date [every period with a deal].
     */
    history_periods: z.number().int().min(0).max(1000).optional(),
    /** Only periods up to the period of this date [the last period with a deal]. */
    to: IsoDate.optional(),
    /** deal: the deal's own probability, else the stage's historical win rate; historical: always the latter. */
    probability: z.enum(['deal', 'historical']).default('deal'),
    /** Open deals with p at or above this are commit [0.9]. */
    commit_threshold: z.number().min(0).max(1).default(0.9),
    /** Open deals with p at or above this (and below commit) are best case [0.5]; the rest pipeline. */
    best_case_threshold: z.number().min(0).max(1).default(0.5),
    /**
     * The forecast's own accuracy over this many complete periods before as_of's: each period's
     * forecast from the open deals at its start, weighted as today, against what was won in it
     * [6]; 0 leaves it out.
     */
    accuracy_periods: z.number().int().min(0).max(36).default(6),
  })
  .strict();

export type PipelineForecastParams = z.infer<typeof PipelineForecastParamsSchema>;

export const PIPELINE_CATEGORIES = ['closed_won', 'commit', 'best_case', 'pipeline'] as const;
export const PIPELINE_COLUMNS = ['period', 'category', 'deals', 'amount', 'weighted_amount'] as const;

export interface PipelinePlan {
  readonly params: PipelineForecastParams;
  readonly asOf: string | null;
  /** Open deals at as_of with amount, p, its source, category and expected close period. */
  readonly open: SqlNode;
  /** Deals won before as_of with their amount and the period they were won in. */
  readonly won: SqlNode;
  /** Per open stage: deals that entered it and closed before as_of, the won ones, the win rate. */
  readonly winRates: SqlNode;
  /** Deals closed before as_of, the won ones and the overall win rate. */
  readonly overall: SqlNode;
  /** Per past period (accuracy_periods of them): the open deals at its start and their weighted forecast for it, and what was won in it. */
  readonly accuracy: SqlNode | null;
}

/** A deal's column at its latest stage row (`keepNull`: a NULL there is the answer). */
const latest = (c: string, keepNull = false) => fn.argMax(raw(`r.${c}`), raw('r.ts'), keepNull);

/** Deals of d whose state is won. */
const wonCount = raw("count(CASE WHEN d.stage = 'won' THEN 1 END)");

/** The start of the period a date or timestamp falls in, as YYYY-MM-DD. */
const periodOf = (g: PipelineForecastParams['granularity'], x: SqlNode) =>
  cast(cast(timeBucket(g, cast(x, 'timestamp')), 'date'), 'text');

/**
 * docs/analytics.md's pipeline forecast. A deal's state at as_of is its latest stage entered before
 * as_of (amount, probability and expected close of that stage row); it is open unless that stage
 * is won or lost. The win rate from a stage = won / closed among deals that entered the stage and
 * closed before as_of; a stage no closed deal passed through falls back to the overall win rate.
 */
export async function planPipeline(ctx: ReportContext, input: unknown): Promise<PipelinePlan> {
  const params = parseParams(PipelineForecastParamsSchema, input, 'pipeline-forecast');
  if (params.best_case_threshold > params.commit_threshold) {
    throw new AppError('VALIDATION_FAILED', 'best_case_threshold must not exceed commit_threshold');
  }
  const p = population(ctx, 'deals', params);
  const rows = populationRows(ctx, p, [
    { expr: col(p, 'deal_id'), alias: 'deal_id' },
    { expr: col(p, 'stage'), alias: 'stage' },
    { expr: localTime(p, 'entered_at'), alias: 'ts' },
    { expr: col(p, 'amount'), alias: 'amount' },
    { expr: col(p, 'probability'), alias: 'probability' },
    // A calendar date (the rep's estimate): not shifted by the report's zone.
    { expr: col(p, 'expected_close_at'), alias: 'expected_close_at' },
  ]);
  const asOf = await resolveAsOf(ctx.engine, params.as_of, rows, 'ts');
  const day = cast(param(asOf ?? '1970-01-01'), 'timestamp');
  const g = params.granularity;
  // arg_max skips NULL values; the latest row's NULL probability must stay NULL. Columns are
  // qualified: ClickHouse reads a bare name that is also an output alias (stage) as the alias.
  const deals = sql`
    SELECT r.deal_id AS deal_id, ${latest('stage')} AS stage, ${cast(latest('amount', true), 'double')} AS amount,
           ${cast(latest('probability', true), 'double')} AS own_probability,
           ${latest('expected_close_at', true)} AS expected_close_at, max(r.ts) AS last_ts
    FROM (${rows}) r WHERE r.ts < ${day} GROUP BY r.deal_id`;
  const winRates = sql`
    WITH deals AS (${deals}),
    entered AS (SELECT DISTINCT deal_id, stage FROM (${rows}) r
                WHERE ts < ${day} AND stage NOT IN ('won', 'lost'))
    SELECT e.stage AS stage, count(*) AS closed_deals, ${wonCount} AS won,
           ${wonCount} / count(*) AS win_rate
    FROM entered e JOIN deals d ON d.deal_id = e.deal_id WHERE d.stage IN ('won', 'lost')
    GROUP BY e.stage ORDER BY e.stage`;
  const overall = sql`
    SELECT count(*) AS closed_deals, ${wonCount} AS won,
           ${wonCount} / nullif(count(*), 0) AS win_rate
    FROM (${deals}) d WHERE d.stage IN ('won', 'lost')`;
  const own = params.probability === 'deal' ? sql`d.own_probability` : cast(raw('NULL'), 'double');
  const open = sql`
    WITH deals AS (${deals}),
    rates AS (${winRates}),
    overall AS (${overall}),
    scored AS (
      SELECT d.deal_id AS deal_id, d.stage AS stage, d.amount AS amount, d.expected_close_at AS expected_close_at,
             coalesce(${own}, r.win_rate, o.win_rate, 0) AS p,
             CASE WHEN ${own} IS NOT NULL THEN 'deal' WHEN r.win_rate IS NOT NULL THEN 'stage_win_rate'
                  WHEN o.win_rate IS NOT NULL THEN 'overall_win_rate' ELSE 'none' END AS probability_source
      FROM deals d LEFT JOIN rates r ON r.stage = d.stage CROSS JOIN overall o
      WHERE d.stage NOT IN ('won', 'lost'))
    SELECT s.*, s.amount * s.p AS weighted_amount,
           CASE WHEN s.p >= ${params.commit_threshold} THEN 'commit'
                WHEN s.p >= ${params.best_case_threshold} THEN 'best_case' ELSE 'pipeline' END AS category,
           ${periodOf(g, raw('s.expected_close_at'))} AS period,
           ${fn.asBoolean(sql`${cast(raw('s.expected_close_at'), 'timestamp')} < ${day}`)} AS overdue
    FROM scored s ORDER BY s.deal_id`;
  const won = sql`
    SELECT d.deal_id AS deal_id, d.amount AS amount, d.amount AS weighted_amount, 'closed_won' AS category,
           ${periodOf(g, raw('d.last_ts'))} AS period
    FROM (${deals}) d WHERE d.stage = 'won' ORDER BY d.deal_id`;
  const periods =
    asOf === null || params.accuracy_periods === 0
      ? []
      : Array.from({ length: params.accuracy_periods }, (_, i) =>
          addPeriods(periodStart(asOf, g), i - params.accuracy_periods, g),
        );
  const accuracy =
    periods.length === 0 ? null : accuracySql({ rows, won, winRates, overall, own, periods, g });
  return { params, asOf, open, won, winRates, overall, accuracy };
}

/**
 * The forecast each past period would have had at its start, weighted as today, and what was won
 * in it. For a period starting at s: every deal's state at s is its latest stage row before s
 * (stage, amount, probability and expected close date as they were then); the open ones expected
 * to close in the period are weighted as the report weighs today's, by their probability at s
 * (with probability = deal) else today's win rate from their stage at s, else today's overall
 * rate. The won amount is every deal won in the period (the report's closed_won), whether it was
 * open at s or not.
 */
function accuracySql(a: {
  rows: SqlNode;
  won: SqlNode;
  winRates: SqlNode;
  overall: SqlNode;
  own: SqlNode;
  periods: readonly string[];
  g: PipelineForecastParams['granularity'];
}): SqlNode {
  const { g } = a;
  // The snapshot moments as rows, one select per period (a handful): no array literal to unnest.
  const snapshots = list(
    a.periods.map(
      (p) => sql`SELECT ${cast(param(p), 'text')} AS period, ${cast(param(p), 'timestamp')} AS at`,
    ),
    ' UNION ALL ',
  );
  const state = (c: string, keepNull = false) => fn.argMax(raw(`h.${c}`), raw('h.ts'), keepNull);
  return sql`
    WITH snapshots AS (${snapshots}),
    history AS (${a.rows}),
    states AS (
      SELECT s.period AS period, h.deal_id AS deal_id, ${state('stage')} AS stage,
             ${cast(state('amount', true), 'double')} AS amount,
             ${cast(state('probability', true), 'double')} AS own_probability,
             ${state('expected_close_at', true)} AS expected_close_at
      FROM snapshots s CROSS JOIN history h WHERE h.ts < s.at
      GROUP BY s.period, h.deal_id),
    rates AS (${a.winRates}),
    overall AS (${a.overall}),
    forecast AS (
      SELECT d.period AS period, count(*) AS open_deals,
             sum(d.amount * coalesce(${a.own}, r.win_rate, o.win_rate, 0)) AS forecast_amount
      FROM states d LEFT JOIN rates r ON r.stage = d.stage CROSS JOIN overall o
      WHERE d.stage NOT IN ('won', 'lost')
        AND ${periodOf(g, raw('d.expected_close_at'))} = d.period
      GROUP BY d.period),
    won AS (SELECT w.period AS period, count(*) AS won_deals, sum(${cast(raw('w.amount'), 'double')}) AS won_amount
            FROM (${a.won}) w GROUP BY w.period)
    SELECT s.period AS period, coalesce(f.open_deals, 0) AS open_deals,
           coalesce(f.forecast_amount, 0) AS forecast_amount, coalesce(w.won_deals, 0) AS won_deals,
           coalesce(w.won_amount, 0) AS won_amount
    FROM snapshots s LEFT JOIN forecast f ON f.period = s.period LEFT JOIN won w ON w.period = s.period
    ORDER BY s.period`;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

interface Sums {
  deals: number;
  amount: number;
  weighted_amount: number;
}

function sum(rows: readonly Row[]): Sums {
  return {
    deals: rows.length,
    amount: rows.reduce((s, r) => s + num(r['amount']), 0),
    weighted_amount: rows.reduce((s, r) => s + num(r['weighted_amount']), 0),
  };
}

export interface PipelineResult {
  params: PipelineForecastParams;
  as_of: string | null;
  granularity: PipelineForecastParams['granularity'];
  win_rates: Row[];
  overall: Row | null;
  open_deals: number;
  /** Open deals by where p came from: deal, stage_win_rate, overall_win_rate, none. */
  probability_sources: Record<string, number>;
  /** Open deals whose expected close date lies before as_of (they stay in their own period). */
  overdue: Sums;
  /** Open deals without an expected close date (in no period). */
  unscheduled: Sums;
  /** Per category over the periods shown. */
  totals: Row[];
  periods: Row[];
  /**
   * The forecast's own accuracy, per complete period before as_of's (accuracy_periods of them):
   * the open deals at its start expected to close in it, their weighted amount (weighted as
   * today), the deals won in it and their amount, and |won − forecast| / won (null when nothing
   * was won).
   */
  accuracy: AccuracyRow[];
  /** The mean of the absolute error rates, in percent (MAPE); null when no period had a win. */
  mape: number | null;
}

export interface AccuracyRow {
  period: string;
  open_deals: number;
  forecast_amount: number;
  won_deals: number;
  won_amount: number;
  absolute_error_rate: number | null;
}

/** Each period's absolute error rate and their mean in percent over the periods with a win. */
export function scoreAccuracy(rows: readonly Row[]): { accuracy: AccuracyRow[]; mape: number | null } {
  const accuracy = rows.map((r) => {
    const forecast = num(r['forecast_amount']);
    const won = num(r['won_amount']);
    return {
      period: String(r['period']),
      open_deals: num(r['open_deals']),
      forecast_amount: forecast,
      won_deals: num(r['won_deals']),
      won_amount: won,
      absolute_error_rate: won > 0 ? Math.abs(won - forecast) / won : null,
    };
  });
  const rates = accuracy.flatMap((a) => (a.absolute_error_rate === null ? [] : [a.absolute_error_rate]));
  return {
    accuracy,
    mape: rates.length === 0 ? null : (100 * rates.reduce((x, y) => x + y, 0)) / rates.length,
  };
}

/** Open and won deals summed by (period, category), every category in every period of the range. */
export async function pipelineReport(ctx: ReportContext, input: unknown): Promise<PipelineResult> {
  const plan = await planPipeline(ctx, input);
  const { params } = plan;
  const g = params.granularity;
  const [open, won, rates, overall, past] = await Promise.all([
    ctx.engine.query(plan.open),
    ctx.engine.query(plan.won),
    ctx.engine.query(plan.winRates),
    ctx.engine.query(plan.overall),
    plan.accuracy === null ? { rows: [] } : ctx.engine.query(plan.accuracy),
  ]);
  const cells = new Map<string, Row[]>();
  const scheduled: string[] = [];
  for (const r of [...open.rows, ...won.rows]) {
    if (typeof r['period'] !== 'string') continue;
    scheduled.push(r['period']);
    const key = `${r['period']}|${r['category']}`;
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  scheduled.sort();
  const first =
    params.from !== undefined
      ? periodStart(params.from, g)
      : params.history_periods !== undefined && plan.asOf !== null
        ? addPeriods(periodStart(addDays(plan.asOf, -1), g), -params.history_periods, g)
        : scheduled[0];
  const last = params.to !== undefined ? periodStart(params.to, g) : scheduled.at(-1);
  const periods: Row[] = [];
  if (first !== undefined && last !== undefined) {
    for (const period of periodRange(first, last, g)) {
      for (const category of PIPELINE_CATEGORIES) {
        periods.push({ period, category, ...sum(cells.get(`${period}|${category}`) ?? []) });
      }
    }
  }
  const sources: Record<string, number> = {};
  for (const r of open.rows) {
    const s = String(r['probability_source']);
    sources[s] = (sources[s] ?? 0) + 1;
  }
  const totals = PIPELINE_CATEGORIES.map((category) => {
    const rows = periods.filter((r) => r['category'] === category);
    return {
      category,
      deals: rows.reduce((s, r) => s + num(r['deals']), 0),
      amount: rows.reduce((s, r) => s + num(r['amount']), 0),
      weighted_amount: rows.reduce((s, r) => s + num(r['weighted_amount']), 0),
    };
  });
  return {
    params,
    as_of: plan.asOf,
    granularity: g,
    win_rates: rates.rows,
    overall: overall.rows[0] ?? null,
    open_deals: open.rows.length,
    probability_sources: sources,
    overdue: sum(open.rows.filter((r) => r['overdue'] === true)),
    unscheduled: sum(open.rows.filter((r) => r['period'] === null)),
    totals,
    periods,
    ...scoreAccuracy(past.rows),
  };
}

function footer(r: PipelineResult): string {
  const money = (x: number) => x.toFixed(2);
  const lines = [`Pipeline at ${r.as_of ?? 'n/a'}: ${r.open_deals} open deals.`];
  for (const t of r.totals) {
    lines.push(
      `${String(t['category']).padEnd(12)} ${String(t['deals']).padStart(6)} deals  weighted ${money(num(t['weighted_amount']))}`,
    );
  }
  if (r.overdue.deals > 0)
    lines.push(
      `${r.overdue.deals} open deals are past their expected close date (weighted ${money(r.overdue.weighted_amount)}).`,
    );
  if (r.unscheduled.deals > 0) lines.push(`${r.unscheduled.deals} open deals have no expected close date.`);
  if (r.accuracy.length > 0) {
    lines.push(
      `Accuracy over the last ${r.accuracy.length} periods (open deals at each period's start, weighted as today, against the won amount):`,
    );
    for (const a of r.accuracy) {
      const rate = a.absolute_error_rate === null ? 'n/a' : `${(100 * a.absolute_error_rate).toFixed(1)}%`;
      lines.push(
        `${a.period}  forecast ${money(a.forecast_amount).padStart(14)}  won ${money(a.won_amount).padStart(14)}  error ${rate.padStart(7)}`,
      );
    }
    lines.push(r.mape === null ? 'MAPE: n/a (nothing was won).' : `MAPE: ${r.mape.toFixed(1)}%`);
  }
  return lines.join('\n');
}

export const pipelineForecast = defineReport<PipelineForecastParams>({
  name: 'pipeline-forecast',
  description:
    'Open deals weighted by probability by expected close period, as commit, best case and pipeline, beside closed won',
  schema: PipelineForecastParamsSchema,
  engines: ['duckdb', 'clickhouse'],
  async run(ctx, params) {
    const json = await pipelineReport(ctx, params);
    return {
      json: json as unknown as Record<string, unknown>,
      rows: { columns: PIPELINE_COLUMNS, data: json.periods },
      footer: footer(json),
    };
  },
});
