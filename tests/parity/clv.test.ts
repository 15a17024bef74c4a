import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { Model } from '../../src/model/types';
import { clv, clvMembers } from '../../src/reports/clv/report';
import { DEMO_AS_OF } from '../helpers/demo';
import { usePublishedDemo } from './published';
import { outputDifferences, reportContext, runBoth, tableDifferences } from './report-outputs';

/**
 * The CLV report (BG/NBD and Gamma-Gamma fitted in JS on triples and spend groups read from
 * SQL, customers scored in SQL) on the demo warehouse (DuckDB) and on its copy published into an
 * in-process ClickHouse: the same fitted parameters, customers, totals, distribution, P(alive)
 * grid, value × risk cells and hold-out check, with options, a population filter and for a user
 * whose role restricts rows to one region.
 */

const demo = usePublishedDemo();

const ORDERED = ['customer_id'];

const context = (engine: Engine, model?: Model) => reportContext(demo, engine, model);

/** 26 weeks before the demo's as_of: the hold-out. */
const CALIBRATION_END = new Date(Date.parse(`${DEMO_AS_OF}T00:00:00Z`) - 182 * 86_400_000)
  .toISOString()
  .slice(0, 10);

describe('CLV answers alike on DuckDB and ClickHouse', () => {
  it.each([
    ['defaults, every customer', { limit: 50_000 }],
    [
      'months, a discounted horizon, a hold-out, in a time zone',
      {
        unit: 'month',
        horizon: 24,
        discount_rate: 0.01,
        as_of: DEMO_AS_OF,
        calibration_end: CALIBRATION_END,
        timezone: 'America/New_York',
        limit: 50_000,
      },
    ],
    [
      'days, a population filter',
      {
        unit: 'day',
        filters: [{ member: 'customers.region', operator: 'equals', values: ['North America'] }],
        limit: 50_000,
      },
    ],
  ])('%s', async (_name, input) => {
    const { duck, click } = await runBoth(demo, clv, input);
    expect(duck.rows.data.length).toBeGreaterThan(0);
    expect(duck.json['model']).not.toBeNull();
    expect(outputDifferences(duck, click, ORDERED)).toEqual([]);
  });

  it('for a user restricted to one region (fewer customers than everyone)', async () => {
    const restricted = demo.restrictedModel();
    const all = await clv.run(context(demo.duckdb), clv.schema.parse({ limit: 0 }));
    const { duck, click } = await runBoth(demo, clv, { limit: 50_000 }, restricted);
    const total = (o: typeof duck) => Number(o.json['customers_total']);
    expect(total(duck)).toBeGreaterThan(0);
    expect(total(duck)).toBeLessThan(total(all));
    expect(outputDifferences(duck, click, ORDERED)).toEqual([]);
  });

  it('the members of a slice (for a target group) are alike, and are the report rows in that slice', async () => {
    const params = { limit: 50_000 };
    const slice = { min_value: 500, max_p_alive: 0.5 };
    const members = async (engine: Engine) =>
      (await engine.query(await clvMembers(context(engine), params, slice))).rows
        .map((r) => String(r['customer_id']))
        .sort();
    const duck = await members(demo.duckdb);
    expect(await members(demo.clickhouse)).toEqual(duck);
    // The same slice read off the report's rows in JS.
    const report = await clv.run(context(demo.duckdb), clv.schema.parse(params));
    const expected = report.rows.data
      .filter((r) => Number(r['revenue']) >= 500 && Number(r['p_alive']) <= 0.5)
      .map((r) => String(r['customer_id']))
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(duck).toEqual(expected);
  });

  it('the table (CSV and Arrow) SQL answers alike', async () => {
    const params = clv.schema.parse({ as_of: DEMO_AS_OF, calibration_end: CALIBRATION_END });
    const table = await tableDifferences(demo, clv, params, ORDERED);
    expect(table.duckRows).toBeGreaterThan(0);
    expect(table.differences).toEqual([]);
  });
});
