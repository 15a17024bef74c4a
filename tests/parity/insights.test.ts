import { describe, expect, it } from 'vitest';
import type { ReportDefinition } from '../../src/reports/common/definition';
import { lifecycle } from '../../src/reports/lifecycle/report';
import { paths } from '../../src/reports/paths/report';
import { retention } from '../../src/reports/retention/report';
import { stickiness } from '../../src/reports/stickiness/report';
import { saveSegment } from '../../src/reports/target-groups/store';
import { trends } from '../../src/reports/trends/report';
import { type PublishedDemo, usePublishedDemo } from './published';
import { outputDifferences, reportContext, runBoth } from './report-outputs';

/**
 * The behaviour insights (trends, stickiness, lifecycle, retention, paths) on the demo warehouse
 * (DuckDB) and on its copy published into an in-process ClickHouse: the same rows and JSON for
 * each period, a breakdown by an event property and by a customer dimension, sessions as actors,
 * a time zone, first-time and recurring retention, paths from and to an event, and a user whose
 * role restricts rows to one region. Few cases: each runs the report twice on 350k events.
 */

const demo = usePublishedDemo();

// The row order of every report is its own (periods, values, ranks): compared as given.
const CASES: [string, ReportDefinition<never>, Record<string, unknown>][] = [
  [
    'trends: weekly unique actors of two events by device, Berlin time',
    trends as ReportDefinition<never>,
    {
      series: ['visit', 'purchase'],
      math: 'unique',
      interval: 'week',
      timezone: 'Europe/Berlin',
      breakdown: 'properties.$device_type',
      from: '2026-01-01',
    },
  ],
  [
    'trends: daily events per actor, a filtered series, by region with "other" values',
    trends as ReportDefinition<never>,
    {
      series: [
        'visit',
        { event: 'visit', filters: [{ member: 'web_events.source', operator: 'set' }], label: 'sourced' },
      ],
      math: 'per_actor',
      interval: 'day',
      breakdown: 'customers.region',
      breakdown_limit: 2,
      from: '2026-04-01',
    },
  ],
  [
    'lifecycle: weekly, a date range filter starting mid-week (the range; history before it counts)',
    lifecycle as ReportDefinition<never>,
    {
      event: 'visit',
      period: 'week',
      timezone: 'Europe/Berlin',
      filters: [
        { member: 'web_events.occurred_at', operator: 'inDateRange', values: ['2026-01-07', '2026-02-18'] },
      ],
    },
  ],
  [
    'stickiness: monthly, persons, by device',
    stickiness as ReportDefinition<never>,
    { event: 'visit', period: 'month', breakdown: 'properties.$device_type', from: '2025-10-01' },
  ],
  [
    'stickiness: weekly, sessions, by region',
    stickiness as ReportDefinition<never>,
    {
      event: 'page_view',
      period: 'week',
      actor: 'session',
      breakdown: 'customers.region',
      from: '2026-02-01',
    },
  ],
  [
    'lifecycle: weekly customers by region, New York time',
    lifecycle as ReportDefinition<never>,
    {
      event: 'visit',
      period: 'week',
      actor: 'customer',
      breakdown: 'customers.region',
      timezone: 'America/New_York',
    },
  ],
  [
    'lifecycle: daily persons',
    lifecycle as ReportDefinition<never>,
    { event: 'purchase', period: 'day', from: '2026-03-01' },
  ],
  [
    'retention: first time, visit to purchase, weekly, by device',
    retention as ReportDefinition<never>,
    { start_event: 'visit', return_event: 'purchase', period: 'week', breakdown: 'properties.$device_type' },
  ],
  [
    'retention: recurring, monthly, customers, Berlin time',
    retention as ReportDefinition<never>,
    {
      start_event: 'purchase',
      period: 'month',
      type: 'recurring',
      actor: 'customer',
      timezone: 'Europe/Berlin',
      periods: 6,
    },
  ],
  [
    'paths: forward from a visit, by region',
    paths as ReportDefinition<never>,
    { start_event: 'visit', steps: 4, limit: 10, breakdown: 'customers.region' },
  ],
  [
    'paths: backward to a purchase, sessions, an event left out',
    paths as ReportDefinition<never>,
    {
      end_event: 'purchase',
      steps: 5,
      actor: 'session',
      exclude_events: ['add_to_cart'],
      from: '2026-01-01',
    },
  ],
];

describe('the insights answer alike on DuckDB and ClickHouse', () => {
  it.each(CASES)('%s', async (_name, report, input) => {
    const { duck, click } = await runBoth(demo, report, input);
    expect(duck.rows.data.length).toBeGreaterThan(0);
    expect(outputDifferences(duck, click, [])).toEqual([]);
  });

  it('for a user restricted to one region (fewer actors than everyone)', async () => {
    const restricted = demo.restrictedModel();
    const input = { series: ['visit'], math: 'unique', interval: 'month', actor: 'customer' };
    const { duck, click } = await runBoth(demo, trends as ReportDefinition<never>, input, restricted);
    const actors = (o: typeof duck) => (o.json['series'] as { actors: number }[])[0]!.actors;
    // By hand on DuckDB: the customers with a visit, of the region or of any.
    const hand = async (where: string) =>
      Number(
        (
          await demo.duckdb.query({
            text: `SELECT count(DISTINCT w.customer_id) AS n FROM fact_web_events w
                   JOIN dim_customer c ON c.customer_key = w.customer_key
                   WHERE w.event = 'visit' AND ${where}`,
            params: where === 'true' ? [] : [demo.smallestRegion],
          })
        ).rows[0]!['n'],
      );
    expect(actors(duck)).toBe(await hand('c.region = $1'));
    expect(actors(duck)).toBeGreaterThan(0);
    expect(actors(duck)).toBeLessThan(await hand('true'));
    expect(outputDifferences(duck, click, [])).toEqual([]);
  });

  it('saved path users and a retention cohort: the same customers from either warehouse', async () => {
    const context = (engine: PublishedDemo['duckdb']) => reportContext(demo, engine);
    /** Saves the definition from each warehouse (into the one state) and reads both member lists. */
    const saveBoth = async (name: string, definition: unknown) => {
      const ids = async (engine: PublishedDemo['duckdb'], suffix: string) => {
        const saved = await saveSegment(context(engine), { name: `${name} ${suffix}`, definition });
        const r = await demo.duckdb.query({
          text: 'SELECT customer_id FROM saved_segment_members WHERE segment_id = $1 ORDER BY customer_id',
          params: [saved.segment_id],
        });
        return r.rows.map((x) => String(x['customer_id']));
      };
      return { duck: await ids(demo.duckdb, 'duck'), click: await ids(demo.clickhouse, 'click') };
    };
    // From the session's start (no anchor event: the plan's other shape), by device.
    const pathParams = { steps: 3, actor: 'customer', limit: 3, breakdown: 'properties.$device_type' };
    const top = await paths.run(context(demo.duckdb), paths.schema.parse(pathParams));
    const group = (
      top.json['groups'] as { breakdown_value: string | null; paths: { path: string[] }[] }[]
    )[0]!;
    const onPath = await saveBoth('path', {
      source: 'paths',
      params: pathParams,
      path: group.paths[1]!.path,
      breakdown_value: group.breakdown_value,
    });
    expect(group.breakdown_value).not.toBeNull();
    expect(onPath.duck.length).toBeGreaterThan(0);
    expect(onPath.click).toEqual(onPath.duck);

    const retentionParams = { start_event: 'visit', return_event: 'purchase', period: 'month' };
    const cohorts = await retention.run(context(demo.duckdb), retention.schema.parse(retentionParams));
    const cohort = (cohorts.json['cohorts'] as { cohort: string }[])[0]!.cohort;
    for (const which of ['returned', 'not_returned'] as const) {
      const slice = { source: 'retention', params: retentionParams, cohort, offset: 1, which };
      const got = await saveBoth(`cohort ${which}`, slice);
      expect(got.duck.length).toBeGreaterThan(0);
      expect(got.click).toEqual(got.duck);
    }
  });
});
