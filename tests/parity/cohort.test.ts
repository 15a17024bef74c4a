import { describe, expect, it } from 'vitest';
import { cohort } from '../../src/reports/cohort/report';
import { usePublishedDemo } from './published';
import { outputDifferences, runBoth } from './report-outputs';

/**
 * The cohort report on the demo warehouse (DuckDB) and on its copy published into an in-process
 * ClickHouse: the same cells and JSON, for each granularity and option, in a time zone, with a
 * population filter, and for a user whose role restricts rows to one region.
 */

const demo = usePublishedDemo();

const ORDERED = ['cohort', 'period_offset'];

describe('cohort answers alike on DuckDB and ClickHouse', () => {
  it.each([
    ['monthly, as_of from the data', {}],
    ['weekly with as_of', { granularity: 'week', as_of: '2025-03-01' }],
    ['quarterly from a date', { granularity: 'quarter', from: '2025-01-01' }],
    ['max_offset and a time zone', { max_offset: 3, timezone: 'America/New_York' }],
    [
      'a population filter',
      { filters: [{ member: 'customers.region', operator: 'equals', values: ['North America'] }] },
    ],
  ])('%s', async (_name, input) => {
    const { duck, click } = await runBoth(demo, cohort, input);
    expect(duck.rows.data.length).toBeGreaterThan(0);
    expect(outputDifferences(duck, click, ORDERED)).toEqual([]);
  });

  it('for a user restricted to one region (fewer customers than everyone)', async () => {
    const restricted = demo.restrictedModel();
    const all = await runBoth(demo, cohort, {});
    const { duck, click } = await runBoth(demo, cohort, {}, restricted);
    const size = (o: typeof duck) =>
      (o.json['cohorts'] as { size: number }[]).reduce((n, c) => n + Number(c.size), 0);
    expect(size(duck)).toBeGreaterThan(0);
    expect(size(duck)).toBeLessThan(size(all.duck));
    expect(outputDifferences(duck, click, ORDERED)).toEqual([]);
  });
});
