import { describe, expect, it } from 'vitest';
import { campaignRoi } from '../../src/reports/campaign-roi/report';
import { DEMO_NOW } from '../helpers/demo';
import { usePublishedDemo } from './published';
import { outputDifferences, runBoth } from './report-outputs';

/**
 * The campaign ROI report on the demo warehouse (DuckDB) and on its copy published into an
 * in-process ClickHouse: the same campaigns, attribution under every model, funnel and JSON, for
 * several options (each model, last touch or linear alone, windows, touch events, campaign and
 * customer filters, an order period, a time zone, as_of, chosen campaigns) and for a user whose
 * role restricts rows to one region.
 */

const demo = usePublishedDemo();

const ORDERED = ['campaign_id'];

/** Attributed revenue over every campaign: nothing attributed would make agreement cheap. */
const attributed = (rows: readonly Record<string, unknown>[]) =>
  rows.reduce((s, r) => s + Number(r['attributed_revenue']), 0);

describe('campaign ROI answers alike on DuckDB and ClickHouse', () => {
  // Few cases, each combining several options (the CI budget): every model side by side and each
  // model chosen once, windows, touch events, campaign, customer and order-period filters, a time
  // zone, as_of, a chosen list of campaigns, and a row-restricted user.
  it.each([
    [
      'time decay beside every model, in a time zone, as_of given, email campaigns',
      {
        model: 'time_decay',
        half_life_days: 3,
        timezone: 'Europe/Berlin',
        as_of: '2026-01-01',
        filters: [{ member: 'campaigns.kind', operator: 'equals', values: ['email'] }],
      },
    ],
    [
      'linear alone, a short fractional window, clicks only, an order period',
      {
        model: 'linear',
        compare_models: false,
        window_days: 2.5,
        touch_events: ['clicked'],
        filters: [
          { member: 'orders.ordered_at', operator: 'inDateRange', values: ['2026-01-01', '2026-06-30'] },
        ],
      },
    ],
    [
      'position beside every model, b2b customers',
      { model: 'position', filters: [{ member: 'customers.type', operator: 'equals', values: ['b2b'] }] },
    ],
  ])('%s', async (_name, input) => {
    const { duck, click } = await runBoth(demo, campaignRoi, input);
    expect(duck.rows.data.length).toBeGreaterThan(0);
    expect(attributed(duck.rows.data)).toBeGreaterThan(0);
    expect(outputDifferences(duck, click, ORDERED)).toEqual([]);
  });

  it('a chosen list of campaigns, last touch alone', async () => {
    const [a, b] = (
      await demo.duckdb.query(
        'SELECT campaign_id FROM dim_campaign WHERE NOT is_placeholder ORDER BY campaign_id LIMIT 2',
      )
    ).rows.map((r) => String(r['campaign_id']));
    const { duck, click } = await runBoth(demo, campaignRoi, { campaigns: [a, b], compare_models: false });
    expect(duck.rows.data.map((r) => r['campaign_id'])).toEqual([a, b]);
    expect(outputDifferences(duck, click, ORDERED)).toEqual([]);
  });

  // The row rule joins each row to the customer version valid at its time: slower, on a busy machine.
  it('for a user restricted to one region, every model (less attributed than for everyone)', {
    timeout: 400_000,
  }, async () => {
    const restricted = demo.restrictedModel();
    const ctx = { engine: demo.duckdb, model: demo.model, now: () => DEMO_NOW };
    const all = await campaignRoi.run(ctx, campaignRoi.schema.parse({}));
    const { duck, click } = await runBoth(demo, campaignRoi, {}, restricted);
    expect(attributed(duck.rows.data)).toBeGreaterThan(0);
    expect(attributed(duck.rows.data)).toBeLessThan(attributed(all.rows.data));
    expect(outputDifferences(duck, click, ORDERED)).toEqual([]);
  });
});
