import { describe, expect, it } from 'vitest';
import { rfm } from '../../src/reports/rfm/report';
import { usePublishedDemo } from './published';
import { outputDifferences, runBoth, tableDifferences } from './report-outputs';

/**
 * The RFM report on the demo warehouse (DuckDB) and on its copy published into an in-process
 * ClickHouse: the same customers, scores, segments, grid and JSON, for several options, in a time
 * zone, with a population filter, and for a user whose role restricts rows to one region.
 */

const demo = usePublishedDemo();

const ORDERED = ['customer_id'];

describe('RFM answers alike on DuckDB and ClickHouse', () => {
  it.each([
    ['defaults, every customer', { limit: 50_000 }],
    [
      'three bins from a date, as_of given',
      {
        bins: 3,
        from: '2025-01-01',
        as_of: '2026-01-01',
        segment_map: {
          segments: [
            { segment: 'Best', r: [3, 3], f: [2, 3] },
            { segment: 'Gone', r: [1, 1] },
          ],
        },
      },
    ],
    [
      'a custom segment map in a time zone',
      {
        timezone: 'Asia/Tokyo',
        segment_map: {
          segments: [
            { segment: 'Top', r: [4, 5], f: [4, 5] },
            { segment: 'Lapsed', r: [1, 2] },
          ],
        },
      },
    ],
    [
      'a population filter',
      { filters: [{ member: 'customers.region', operator: 'equals', values: ['North America'] }] },
    ],
  ])('%s', async (_name, input) => {
    const { duck, click } = await runBoth(demo, rfm, input);
    expect(duck.rows.data.length).toBeGreaterThan(0);
    expect(outputDifferences(duck, click, ORDERED)).toEqual([]);
  });

  it('for a user restricted to one region (fewer customers than everyone)', async () => {
    const restricted = demo.restrictedModel();
    const all = await runBoth(demo, rfm, { limit: 0 });
    const { duck, click } = await runBoth(demo, rfm, { limit: 50_000 }, restricted);
    const total = (o: typeof duck) => Number(o.json['customers_total']);
    expect(total(duck)).toBeGreaterThan(0);
    expect(total(duck)).toBeLessThan(total(all.duck));
    expect(outputDifferences(duck, click, ORDERED)).toEqual([]);
  });

  it('the table (CSV and Arrow) SQL answers alike', async () => {
    const params = rfm.schema.parse({ from: '2025-06-01' });
    const table = await tableDifferences(demo, rfm, params, ORDERED);
    expect(table.duckRows).toBeGreaterThan(0);
    expect(table.differences).toEqual([]);
  });
});
