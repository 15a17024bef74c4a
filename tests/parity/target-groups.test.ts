import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/model/types';
import { clv } from '../../src/reports/clv/report';
import { reportRunsOn } from '../../src/reports/common/definition';
import { rfm } from '../../src/reports/rfm/report';
import { segmentHistory } from '../../src/reports/target-groups/history';
import { refreshSegment, saveSegment } from '../../src/reports/target-groups/store';
import { type PublishedDemo, usePublishedDemo } from './published';
import { reportContext } from './report-outputs';

/**
 * Target groups saved with the warehouse on DuckDB and on its published ClickHouse copy: the
 * members are computed on the warehouse and stored in the DuckDB state (moved as data from
 * ClickHouse), so the same definition gives the same member list, count and history either way,
 * also for a user restricted to one region, and for a slice of every report a group comes from.
 */

const demo = usePublishedDemo();

const context = (engine: PublishedDemo['duckdb'], model?: Model) => reportContext(demo, engine, model);

/** A saved segment's members as the state holds them, sorted. */
async function members(segmentId: string): Promise<string[]> {
  const r = await demo.duckdb.query({
    text: 'SELECT customer_id FROM saved_segment_members WHERE segment_id = $1 ORDER BY customer_id',
    params: [segmentId],
  });
  return r.rows.map((x) => String(x['customer_id']));
}

/** Saves the definition once per engine (two names: they share the state) and compares. */
async function saveBoth(name: string, definition: unknown, model?: Model) {
  const duck = await saveSegment(context(demo.duckdb, model), { name: `${name} duck`, definition });
  const click = await saveSegment(context(demo.clickhouse, model), { name: `${name} click`, definition });
  return {
    duck,
    click,
    duckMembers: await members(duck.segment_id),
    clickMembers: await members(click.segment_id),
  };
}

const QUERY = {
  source: 'query',
  query: {
    measures: ['orders.revenue'],
    dimensions: ['orders.customer_id'],
    filters: [{ member: 'orders.revenue', operator: 'gt', values: ['2000'] }],
  },
};

describe('a target group answers alike on both warehouses', () => {
  it('from a cube query: the same members, count and history; a refresh adds and removes none', async () => {
    const { duck, click, duckMembers, clickMembers } = await saveBoth('big spenders', QUERY);
    expect(duckMembers.length).toBeGreaterThan(10);
    expect(clickMembers).toEqual(duckMembers);
    expect(click.member_count).toBe(duck.member_count);
    expect(duck.member_count).toBe(duckMembers.length);
    // The members by plain SQL on DuckDB: customers with more than 2000 of completed revenue.
    const hand = (
      await demo.duckdb.query(`
        SELECT customer_id FROM fact_order_lines
        WHERE status = 'completed' AND quantity > 0 AND unit_price >= 0 AND customer_id IS NOT NULL
        GROUP BY customer_id HAVING sum(revenue) > 2000 ORDER BY customer_id`)
    ).rows.map((r) => String(r['customer_id']));
    expect(duckMembers).toEqual(hand);
    await refreshSegment(context(demo.clickhouse), click.segment_id);
    const history = await segmentHistory(context(demo.clickhouse), click.segment_id);
    expect(history.map((h) => [h.seq, h.cause, h.member_count, h.added, h.removed])).toEqual([
      [1, 'save', duckMembers.length, duckMembers.length, 0],
      [2, 'refresh', duckMembers.length, 0, 0],
    ]);
  });

  it('from a list of ids (bound values, no warehouse table)', async () => {
    const ids = ['C000001', 'C000002', 'C000002', 'nobody'];
    const { duckMembers, clickMembers } = await saveBoth('picked', { source: 'ids', customer_ids: ids });
    expect(clickMembers).toEqual(['C000001', 'C000002', 'nobody']);
    expect(duckMembers).toEqual(clickMembers);
  });

  it('for a user restricted to one region: only their customers, on both', async () => {
    const restricted = demo.restrictedModel();
    const { duckMembers, clickMembers } = await saveBoth('regional spenders', QUERY, restricted);
    expect(clickMembers).toEqual(duckMembers);
    const all = await members('big-spenders-duck');
    expect(duckMembers.length).toBeGreaterThan(0);
    expect(duckMembers.length).toBeLessThan(all.length);
    // By plain SQL: the revenue of the order lines placed under a version of the customer in the region.
    const hand = (
      await demo.duckdb.query({
        text: `SELECT f.customer_id FROM fact_order_lines f JOIN dim_customer c ON c.customer_key = f.customer_key
               WHERE c.region = $1 AND f.status = 'completed' AND f.quantity > 0 AND f.unit_price >= 0
                 AND f.customer_id IS NOT NULL
               GROUP BY f.customer_id HAVING sum(f.revenue) > 2000 ORDER BY f.customer_id`,
        params: [demo.smallestRegion],
      })
    ).rows.map((r) => String(r['customer_id']));
    expect(clickMembers).toEqual(hand);
  });

  // Every report a target group can come from runs on both engines: a slice of each gives the
  // same members (retention cohorts and paths are compared in insights.test.ts).
  it.each([
    ['RFM champions', { source: 'rfm', segments: ['Champions'] }],
    ['a cluster of three', { source: 'cluster', params: { k: 3 }, cluster: 0 }],
    ['valuable customers at risk (CLV)', { source: 'clv', min_value: 1000, max_p_alive: 0.9 }],
    [
      'a funnel step’s drop-outs',
      {
        source: 'funnel',
        params: { steps: ['page_view', 'add_to_cart', 'purchase'] },
        step: 2,
        which: 'dropped',
      },
    ],
    ['an acquisition cohort', { source: 'cohort', cohort: '2025-03-01' }],
  ])('from %s: the same members', async (name, definition) => {
    for (const r of [rfm, clv]) expect(reportRunsOn(r, 'clickhouse'), r.name).toBe(true);
    const { duck, duckMembers, clickMembers } = await saveBoth(name, definition);
    expect(duckMembers.length, name).toBeGreaterThan(0);
    expect(duck.member_count).toBe(duckMembers.length);
    expect(clickMembers).toEqual(duckMembers);
  });
});
