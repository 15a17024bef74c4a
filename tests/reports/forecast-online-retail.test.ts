import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { type ForecastResult, forecast } from '../../src/reports/forecast/report';
import { onlineRetailWarehouse, reportContext } from '../helpers/reports';

describe('forecast on Online Retail', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await onlineRetailWarehouse();
  });
  afterAll(() => engine.close());

  it("daily revenue: a backtest table of auto's methods, zero-filled Saturdays", async () => {
    const out = await forecast.run(
      reportContext(engine),
      forecast.schema.parse({ granularity: 'day', horizon: 14 }),
    );
    const json = out.json as unknown as ForecastResult;
    console.info(`Online Retail daily revenue backtest:\n${out.footer}`);
    expect(json.as_of).toBe('2011-12-10');
    expect(json.season_length).toBe(7);
    expect(json.partial_period).toBeNull();
    const s = json.series[0]!;
    expect(s.history[0]!.period).toBe('2010-12-01');
    expect(s.history.at(-1)!.period).toBe('2011-12-09');
    // The shop does not trade on Saturdays: those days are there, as 0.
    const saturdays = s.history.filter((h) => new Date(`${h.period}T00:00:00Z`).getUTCDay() === 6);
    expect(saturdays.length).toBeGreaterThan(50);
    expect(saturdays.every((h) => h.actual === 0)).toBe(true);
    // auto backtests seasonal naive, ETS, Theta, ARIMA and their combination.
    expect(s.excluded).toEqual([]);
    expect(s.backtest.table.map((a) => a.method)).toEqual([
      'seasonal_naive',
      'ets',
      'theta',
      'arima',
      'combination',
    ]);
    // …and ETS fits only additive models to a series with zeros.
    const etsModel = String(
      (s.method === 'combination'
        ? (s.params!['methods'] as Record<string, Record<string, unknown>>)['ets']!['model']
        : s.method === 'ets'
          ? s.params!['model']
          : 'ETS(A,N,N)') as string,
    );
    expect(etsModel).not.toMatch(/M/);
    // Multiplicative seasonality, asked for, is left out with the reason.
    const asked = (
      (
        await forecast.run(
          reportContext(engine),
          forecast.schema.parse({ granularity: 'day', horizon: 14, method: 'holt_winters_multiplicative' }),
        )
      ).json as unknown as ForecastResult
    ).series[0]!;
    expect(asked.method).toBeNull();
    expect(asked.skipped).toMatch(/zeros or negatives/);
    for (const a of s.backtest.table) {
      expect(a.origins).toBe(12);
      expect(Number.isFinite(a.mase)).toBe(true);
    }
    expect(s.accuracy.chosen!.mase).toBe(Math.min(...s.backtest.table.map((a) => a.mase!)));
    const total = await engine.query(`
      SELECT sum(revenue)::DOUBLE AS r FROM fact_order_lines
      WHERE status = 'completed' AND quantity > 0 AND unit_price >= 0 AND ordered_at < TIMESTAMP '2011-12-10'`);
    expect(s.history.reduce((a, h) => a + h.actual, 0)).toBeCloseTo(Number(total.rows[0]!['r']), 2);
    expect(out.rows.data.filter((r) => r['forecast'] !== null)).toHaveLength(14);
  });

  it('weekly revenue: one year of weeks is too short for a seasonal backtest, and says so', async () => {
    const out = await forecast.run(
      reportContext(engine),
      forecast.schema.parse({ granularity: 'week', horizon: 4 }),
    );
    const s = (out.json as unknown as ForecastResult).series[0]!;
    expect(s.partial?.period).toBe('2011-12-05');
    expect(s.method).toBe('seasonal_naive');
    expect(s.chosen_by).toBe('fallback');
    expect(s.backtest.table).toEqual([]);
    expect(s.excluded.find((e) => e.method === 'ets')!.reason).toMatch(/too short for a backtest/);
    expect(s.forecast).toHaveLength(4);
  });
});
