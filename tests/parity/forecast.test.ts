import { describe, expect, it } from 'vitest';
import { pipelineForecast } from '../../src/reports/forecast/pipeline';
import { forecast } from '../../src/reports/forecast/report';
import { usePublishedDemo } from './published';
import { outputDifferences, runBoth } from './report-outputs';

/**
 * The forecast report (its series read through the cube front door; the forecasting is
 * JavaScript) and the pipeline forecast on the demo warehouse (DuckDB) and on its copy published
 * into an in-process ClickHouse: the same series, forecasts, deals and accuracy, for several
 * options and for a user whose role restricts rows to one region.
 */

const demo = usePublishedDemo();

const restricted = () => demo.restrictedModel();

describe('the forecast report answers alike on DuckDB and ClickHouse', () => {
  it.each([
    ['monthly revenue, default method', { horizon: 3 }],
    [
      'weekly order count in a time zone, as_of given',
      {
        measure: 'orders.count',
        granularity: 'week',
        timezone: 'America/New_York',
        as_of: '2026-03-15',
        method: 'seasonal_naive',
        horizon: 4,
      },
    ],
    ['by region, two series', { breakdown: 'customers.region', max_series: 2, horizon: 3, method: 'ets' }],
  ])('%s', async (_name, input) => {
    const { duck, click } = await runBoth(demo, forecast, input);
    expect(duck.rows.data.length).toBeGreaterThan(0);
    expect(outputDifferences(duck, click, [])).toEqual([]);
  });

  it('for a user restricted to one region', async () => {
    const input = { horizon: 3, method: 'seasonal_naive' };
    const all = await runBoth(demo, forecast, input);
    const { duck, click } = await runBoth(demo, forecast, input, restricted());
    expect(JSON.stringify(duck.json['series'])).not.toBe(JSON.stringify(all.duck.json['series']));
    expect(outputDifferences(duck, click, [])).toEqual([]);
  });
});

describe('the pipeline forecast answers alike on DuckDB and ClickHouse', () => {
  it.each([
    ['defaults (deal probabilities, six accuracy periods)', {}],
    [
      'historical win rates by quarter',
      { probability: 'historical', granularity: 'quarter', accuracy_periods: 3 },
    ],
    [
      'weekly in a time zone, as_of given, thresholds',
      {
        granularity: 'week',
        timezone: 'Asia/Tokyo',
        as_of: '2025-10-01',
        commit_threshold: 0.8,
        best_case_threshold: 0.4,
      },
    ],
    ['daily without accuracy', { granularity: 'day', accuracy_periods: 0, probability: 'historical' }],
  ])('%s', async (_name, input) => {
    const { duck, click } = await runBoth(demo, pipelineForecast, input);
    expect(duck.rows.data.length).toBeGreaterThan(0);
    expect(outputDifferences(duck, click, ['period'])).toEqual([]);
  });

  it('for a user restricted to one region', async () => {
    const all = await runBoth(demo, pipelineForecast, {});
    const { duck, click } = await runBoth(demo, pipelineForecast, {}, restricted());
    expect(JSON.stringify(duck.json)).not.toBe(JSON.stringify(all.duck.json));
    expect(outputDifferences(duck, click, ['period'])).toEqual([]);
  });
});
