import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Row } from '../../src/engine';
import { forecastSeries } from '../../src/reports/forecast/forecast-series';
import { type PipelineResult, pipelineForecast, pipelineReport } from '../../src/reports/forecast/pipeline';
import { type ForecastResult, forecast, forecastReport } from '../../src/reports/forecast/report';
import { loadDemo } from '../helpers/demo';
import { reportContext } from '../helpers/reports';

const COMPLETED = "status = 'completed' AND quantity > 0 AND unit_price >= 0";

/** Monthly revenue straight from the fact table: period → sum. */
async function monthlyRevenue(engine: Engine, asOf: string, where = 'true'): Promise<Map<string, number>> {
  const r = await engine.query(`
    SELECT strftime(date_trunc('month', o.ordered_at), '%Y-%m-%d') AS period, sum(o.revenue)::DOUBLE AS revenue
    FROM fact_order_lines o LEFT JOIN dim_customer c ON o.customer_key = c.customer_key
    WHERE o.${COMPLETED.replaceAll(' AND ', ' AND o.')} AND o.ordered_at < TIMESTAMP '${asOf}' AND ${where}
    GROUP BY 1 ORDER BY 1`);
  return new Map(r.rows.map((x) => [String(x['period']), Number(x['revenue'])]));
}

function table(r: ForecastResult): string {
  return r.series
    .flatMap((s) =>
      s.backtest.table.map(
        (a) =>
          `${s.label} ${a.method === s.method ? '*' : ' '} ${a.method.padEnd(36)} origins ${a.origins}  MASE ${a.mase?.toFixed(3)}  sMAPE ${a.smape.toFixed(2)}`,
      ),
    )
    .join('\n');
}

interface Hand {
  asOf: string;
  granularity?: string;
  commit?: number;
  best?: number;
  /** Use the stage's historical win rate even when the deal has its own probability. */
  historical?: boolean;
  /** Only stage rows of customers (versions) in this region. */
  region?: string;
}

/**
 * The pipeline forecast written out by hand over fact_deal_stages: each deal's latest stage row
 * before as_of; win rate from a stage = won / closed among deals that passed through it.
 */
async function handPipeline(engine: Engine, h: Hand): Promise<Row[]> {
  const g = h.granularity ?? 'month';
  const own = h.historical ? 'NULL' : 'cur.probability';
  const population = h.region
    ? `SELECT f.* FROM fact_deal_stages f JOIN dim_customer c ON f.customer_key = c.customer_key WHERE c.region = '${h.region}'`
    : 'SELECT * FROM fact_deal_stages';
  const r = await engine.query(`
    WITH s AS (SELECT * FROM (${population}) WHERE entered_at < TIMESTAMP '${h.asOf}'),
    ranked AS (SELECT *, row_number() OVER (PARTITION BY deal_id ORDER BY entered_at DESC) AS rn FROM s),
    cur AS (SELECT * FROM ranked WHERE rn = 1),
    outcome AS (SELECT deal_id, CASE WHEN stage = 'won' THEN 1.0 ELSE 0.0 END AS won FROM cur WHERE stage IN ('won', 'lost')),
    stage_rate AS (
      SELECT passed.stage, avg(o.won) AS rate
      FROM (SELECT DISTINCT deal_id, stage FROM s) passed JOIN outcome o ON o.deal_id = passed.deal_id
      GROUP BY passed.stage),
    open_deals AS (
      SELECT cur.deal_id, CAST(cur.amount AS DOUBLE) AS amount, cur.expected_close_at,
             CAST(coalesce(${own}, r.rate) AS DOUBLE) AS p
      FROM cur LEFT JOIN stage_rate r ON r.stage = cur.stage
      WHERE cur.stage NOT IN ('won', 'lost'))
    SELECT strftime(date_trunc('${g}', expected_close_at), '%Y-%m-%d') AS period,
           CASE WHEN p >= ${h.commit ?? 0.9} THEN 'commit' WHEN p >= ${h.best ?? 0.5} THEN 'best_case' ELSE 'pipeline' END AS category,
           count(*) AS deals, sum(amount) AS amount, sum(amount * p) AS weighted_amount
    FROM open_deals GROUP BY ALL
    UNION ALL
    SELECT strftime(date_trunc('${g}', entered_at), '%Y-%m-%d'), 'closed_won', count(*), sum(CAST(amount AS DOUBLE)),
           sum(CAST(amount AS DOUBLE))
    FROM cur WHERE stage = 'won' GROUP BY ALL
    ORDER BY 1, 2`);
  return r.rows;
}

function expectSameCells(got: PipelineResult, hand: Row[]) {
  const nonEmpty = got.periods.filter((r) => Number(r['deals']) > 0);
  const key = (r: Row) => `${r['period']}|${r['category']}`;
  expect(nonEmpty.map(key).sort()).toEqual(hand.map(key).sort());
  const byKey = new Map(hand.map((r) => [key(r), r]));
  for (const r of nonEmpty) {
    const h = byKey.get(key(r))!;
    expect(r['deals']).toBe(Number(h['deals']));
    expect(Number(r['amount'])).toBeCloseTo(Number(h['amount']), 4);
    expect(Number(r['weighted_amount'])).toBeCloseTo(Number(h['weighted_amount']), 4);
  }
  for (const r of got.periods.filter((x) => Number(x['deals']) === 0)) {
    expect(r['amount']).toBe(0);
    expect(r['weighted_amount']).toBe(0);
  }
}

let engine: Engine;
/** as_of's default, as docs/analytics.md defines it: the day after the latest order (and deal stage). */
let ordersAsOf: string;
let dealsAsOf: string;
/** The first period forecast: the partial month holding as_of, or as_of's month when it is a 1st. */
let firstOpen: string;
beforeAll(async () => {
  engine = (await loadDemo()).engine;
  const day = async (q: string) => String((await engine.query(q)).rows[0]!['d']);
  ordersAsOf = await day(
    `SELECT (max(ordered_at)::DATE + 1)::VARCHAR AS d FROM fact_order_lines WHERE ${COMPLETED}`,
  );
  dealsAsOf = await day('SELECT (max(entered_at)::DATE + 1)::VARCHAR AS d FROM fact_deal_stages');
  firstOpen = `${ordersAsOf.slice(0, 7)}-01`;
});
/** The months of a series before the first forecast period (the complete ones). */
const complete = (m: Map<string, number>) => new Map([...m].filter(([k]) => k < firstOpen));
/** `n` month starts from `from`. */
const months = (from: string, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const d = new Date(`${from}T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + i);
    return d.toISOString().slice(0, 10);
  });
afterAll(() => engine.close());

describe('forecast on the demo company', () => {
  const run = (params: Record<string, unknown>) => forecastReport(reportContext(engine), params);

  it('auto beats seasonal naive on monthly revenue in the backtest', async () => {
    const out = await forecast.run(reportContext(engine), forecast.schema.parse({}));
    const json = out.json as unknown as ForecastResult;
    console.info(`demo monthly revenue backtest:\n${table(json)}`);
    expect(json.as_of).toBe(ordersAsOf);
    expect(json.time_dimension).toBe('orders.ordered_at');
    expect(json.partial_period).toBe(ordersAsOf.endsWith('-01') ? null : firstOpen);
    const s = json.series[0]!;
    expect(s.chosen_by).toBe('backtest');
    expect(s.backtest.table.length).toBeGreaterThanOrEqual(2);
    expect(s.accuracy.chosen!.origins).toBeGreaterThanOrEqual(6);
    expect(s.accuracy.chosen!.mase!).toBeLessThan(s.accuracy.seasonal_naive!.mase!);
    expect(s.accuracy.chosen!.smape).toBeLessThan(s.accuracy.seasonal_naive!.smape);
    expect(s.accuracy.chosen!.mase).toBe(Math.min(...s.backtest.table.map((a) => a.mase!)));
    expect(out.rows.columns).toEqual([
      'series',
      'period',
      'actual',
      'actual_to_date',
      'forecast',
      'lower_80',
      'upper_80',
      'lower_95',
      'upper_95',
      'method',
    ]);
    const future = out.rows.data.filter((r) => r['forecast'] !== null);
    expect(future.map((r) => r['period'])).toEqual(months(firstOpen, 12));
    expect(out.footer).toContain('seasonal_naive');
    expect(out.footer).toContain(`* ${s.method}`);
  });

  it('the series equals a direct SQL sum, month by month', async () => {
    const json = await run({});
    const sql = complete(await monthlyRevenue(engine, ordersAsOf));
    const s = json.series[0]!;
    expect(s.history.map((h) => h.period)).toEqual([...sql.keys()]);
    s.history.forEach((h) => {
      expect(h.actual).toBeCloseTo(sql.get(h.period)!, 4);
    });
  });

  it('leaves the incomplete current period out of fitting and shows what it has so far', async () => {
    const json = await run({ as_of: '2026-03-15' });
    const s = json.series[0]!;
    expect(json.last_complete_period).toBe('2026-02-01');
    expect(json.partial_period).toBe('2026-03-01');
    expect(s.history.at(-1)!.period).toBe('2026-02-01');
    const sql = await monthlyRevenue(engine, '2026-03-15');
    expect(s.partial!.actual).toBeCloseTo(sql.get('2026-03-01')!, 4);
    expect(s.forecast[0]!.period).toBe('2026-03-01');
    // The fit sees the complete months only: the same forecast as fitting them directly.
    const direct = forecastSeries(
      s.history.map((h) => h.actual),
      { seasonLength: 12, horizon: 12, method: 'auto', backtestOrigins: 12 },
    );
    expect(s.forecast.map((f) => f.forecast)).toEqual(direct.forecast.map((f) => f.forecast));
    const rows = (await forecast.run(reportContext(engine), forecast.schema.parse({ as_of: '2026-03-15' })))
      .rows.data;
    const march = rows.find((r) => r['period'] === '2026-03-01')!;
    // The running month has its actual so far apart: no line of actuals ends in a false fall.
    expect(march['actual']).toBeNull();
    expect(march['actual_to_date']).toBeCloseTo(sql.get('2026-03-01')!, 4);
    expect(march['forecast']).toBe(s.forecast[0]!.forecast);
  });

  it('respects as_of: nothing on or after it counts', async () => {
    const json = await run({ as_of: '2025-07-01' });
    const s = json.series[0]!;
    expect(json.partial_period).toBeNull();
    expect(s.history.at(-1)!.period).toBe('2025-06-01');
    const sql = await monthlyRevenue(engine, '2025-07-01');
    s.history.forEach((h) => {
      expect(h.actual).toBeCloseTo(sql.get(h.period)!, 4);
    });
    expect(s.forecast[0]!.period).toBe('2025-07-01');
  });

  it('respects a population filter: numbers equal the direct SQL sum of that population', async () => {
    const json = await run({
      filters: [{ member: 'customers.region', operator: 'equals', values: ['Western Europe'] }],
    });
    const sql = complete(await monthlyRevenue(engine, ordersAsOf, "c.region = 'Western Europe'"));
    const s = json.series[0]!;
    expect(s.history).toHaveLength(sql.size);
    s.history.forEach((h) => {
      expect(h.actual).toBeCloseTo(sql.get(h.period)!, 4);
    });
  });

  it('zero-fills months without orders', async () => {
    const gappy = await engine.query(`
      WITH m AS (SELECT customer_id, date_trunc('month', ordered_at) AS p FROM fact_order_lines
                 WHERE ${COMPLETED} AND customer_id IS NOT NULL GROUP BY ALL)
      SELECT customer_id, count(*) AS months FROM m GROUP BY 1
      HAVING count(*) >= 20 AND count(*) < date_diff('month', min(p), max(p)) + 1
      ORDER BY customer_id LIMIT 1`);
    const customer = String(gappy.rows[0]!['customer_id']);
    const json = await run({
      filters: [{ member: 'orders.customer_id', operator: 'equals', values: [customer] }],
      method: 'seasonal_naive',
      // The default as_of would follow this customer's own last order.
      as_of: '2026-07-01',
    });
    const sql = await monthlyRevenue(engine, '2026-07-01', `o.customer_id = '${customer}'`);
    const s = json.series[0]!;
    const zeros = s.history.filter((h) => h.actual === 0);
    expect(zeros.length).toBeGreaterThan(0);
    for (const z of zeros) expect(sql.has(z.period)).toBe(false);
    expect(s.history.length).toBe(sql.size + zeros.length);
    s.history.forEach((h) => {
      expect(h.actual).toBeCloseTo(sql.get(h.period) ?? 0, 4);
    });
    expect(s.method).toBe('seasonal_naive');
  });

  it('forecasts one series per breakdown value, the largest max_series of them', async () => {
    const json = await run({ breakdown: 'customers.region', max_series: 2, horizon: 3 });
    expect(json.series).toHaveLength(2);
    expect(json.omitted_series.length).toBeGreaterThan(0);
    const [first] = json.series;
    expect(first!.label).toBe('Western Europe');
    const sql = await monthlyRevenue(engine, '2026-07-01', "c.region = 'Western Europe'");
    first!.history.forEach((h) => {
      expect(h.actual).toBeCloseTo(sql.get(h.period)!, 4);
    });
    for (const s of json.series) expect(s.forecast).toHaveLength(3);
  });

  it('weekly: ISO weeks with a season of 52', async () => {
    const json = await run({ granularity: 'week', horizon: 4 });
    expect(json.season_length).toBe(52);
    const s = json.series[0]!;
    for (const h of s.history) expect(new Date(`${h.period}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(s.method).not.toBeNull();
  });
});

// Last: its final test changes the warehouse.
describe('pipeline forecast on the demo company', () => {
  const run = (params: Record<string, unknown>) => pipelineReport(reportContext(engine), params);

  it('weighted amounts by expected close month and category equal a hand-written SQL computation', async () => {
    const out = await pipelineForecast.run(reportContext(engine), pipelineForecast.schema.parse({}));
    const json = out.json as unknown as PipelineResult;
    expect(json.as_of).toBe(dealsAsOf);
    expect(out.rows.columns).toEqual(['period', 'category', 'deals', 'amount', 'weighted_amount']);
    expectSameCells(json, await handPipeline(engine, { asOf: dealsAsOf }));
    // Every category in every month of the range, so the CSV is a dense grid.
    expect(json.periods.length % 4).toBe(0);
    expect(json.probability_sources).toEqual({ deal: json.open_deals });
    console.info(`demo pipeline:\n${out.footer}`);
  });

  it('history_periods starts the range that many periods before as_of, the cells unchanged', async () => {
    const all = await run({});
    const recent = await run({ history_periods: 3 });
    // as_of's period is the one holding its last day (as_of itself is the exclusive end).
    const last = new Date(Date.parse(`${dealsAsOf}T00:00:00Z`) - 86_400_000).toISOString();
    const start = new Date(`${last.slice(0, 7)}-01T00:00:00Z`);
    start.setUTCMonth(start.getUTCMonth() - 3);
    expect(recent.periods[0]!['period']).toBe(start.toISOString().slice(0, 10));
    expect(recent.periods.at(-1)!['period']).toBe(all.periods.at(-1)!['period']);
    const key = (r: Record<string, unknown>) => `${r['period']}|${r['category']}`;
    const before = new Map(all.periods.map((r) => [key(r), r]));
    for (const r of recent.periods) expect(r).toEqual(before.get(key(r)));
    expect(recent.periods.length).toBeLessThan(all.periods.length);
  });

  it('categories follow the thresholds', async () => {
    const json = await run({ commit_threshold: 0.75, best_case_threshold: 0.4 });
    expectSameCells(json, await handPipeline(engine, { asOf: dealsAsOf, commit: 0.75, best: 0.4 }));
    const open = await engine.query(`
      WITH cur AS (SELECT deal_id, arg_max(stage, entered_at) AS stage, arg_max(probability, entered_at) AS p
                   FROM fact_deal_stages GROUP BY deal_id)
      SELECT count(*) FILTER (WHERE p >= 0.75) AS commit, count(*) FILTER (WHERE p >= 0.4 AND p < 0.75) AS best,
             count(*) FILTER (WHERE p < 0.4) AS pipeline
      FROM cur WHERE stage NOT IN ('won', 'lost')`);
    const totals = Object.fromEntries(json.totals.map((t) => [t['category'], t['deals']]));
    expect(totals['commit']).toBe(Number(open.rows[0]!['commit']));
    expect(totals['best_case']).toBe(Number(open.rows[0]!['best']));
    expect(totals['pipeline']).toBe(Number(open.rows[0]!['pipeline']));
    await expect(run({ commit_threshold: 0.4, best_case_threshold: 0.5 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('historical win rates from the current stage, at an earlier as_of, by quarter', async () => {
    const json = await run({ as_of: '2025-07-01', probability: 'historical', granularity: 'quarter' });
    expectSameCells(
      json,
      await handPipeline(engine, { asOf: '2025-07-01', historical: true, granularity: 'quarter' }),
    );
    expect(json.probability_sources).toEqual({ stage_win_rate: json.open_deals });
    expect(json.overdue.deals).toBeGreaterThan(0);
    for (const r of json.win_rates)
      expect(Number(r['win_rate'])).toBeCloseTo(Number(r['won']) / Number(r['closed_deals']), 12);
  });

  it('a population filter through the deals cube', async () => {
    const json = await run({
      filters: [{ member: 'customers.region', operator: 'equals', values: ['Western Europe'] }],
      as_of: '2026-07-01',
    });
    const hand = await handPipeline(engine, { asOf: '2026-07-01', region: 'Western Europe' });
    expectSameCells(json, hand);
    const all = await run({});
    expect(json.open_deals).toBeLessThan(all.open_deals);
    expect(json.open_deals).toBeGreaterThan(0);
  });

  // Last: it changes the warehouse.
  it('a deal without its own probability takes the win rate of its current stage', async () => {
    // Only the latest stage row loses its probability: the earlier rows' must not be used.
    await engine.exec(`
      UPDATE fact_deal_stages SET probability = NULL
      WHERE (deal_id, entered_at) IN (
        SELECT (deal_id, max(entered_at)) FROM fact_deal_stages GROUP BY deal_id
        HAVING arg_max(stage, entered_at) NOT IN ('won', 'lost') AND count(*) > 1 ORDER BY deal_id LIMIT 40)`);
    const json = await run({});
    expect(json.probability_sources['stage_win_rate']).toBe(40);
    expectSameCells(json, await handPipeline(engine, { asOf: '2026-07-01' }));
  });
});
