import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { clvReport } from '../../src/reports/clv/report';
import { rfmReport } from '../../src/reports/rfm/report';
import { segmentsReport } from '../../src/reports/segments/report';
import { buildApp } from '../../src/server/app';
import { loadDemo, ROOT } from '../helpers/demo';
import { reportContext } from '../helpers/reports';

const NOW = new Date('2026-07-01T00:00:00Z');

describe('saved segments (target groups)', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ engine } = await loadDemo());
    app = await buildApp({ engine, root: ROOT, now: () => NOW });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object });

  it('saves an RFM slice with exactly the customers the report puts in it', async () => {
    const r = await post('/v1/segments', {
      name: 'Champions & Loyal',
      definition: { source: 'rfm', segments: ['Champions', 'Loyal Customers'] },
    });
    expect(r.statusCode).toBe(201);
    const saved = r.json();
    const rfm = await rfmReport(reportContext(engine, NOW), { limit: 50_000 });
    const expected = rfm.customers.filter(
      (c) => c['segment'] === 'Champions' || c['segment'] === 'Loyal Customers',
    );
    expect(saved).toMatchObject({
      segment_id: 'champions-loyal',
      name: 'Champions & Loyal',
      member_count: expected.length,
    });
    const members = await app.inject({
      method: 'GET',
      url: '/v1/segments/champions-loyal/members',
      headers: { accept: 'application/json' },
    });
    expect(members.json().data.map((m: { customer_id: string }) => m.customer_id)).toEqual(
      expected.map((c) => c['customer_id']),
    );
    const cells = await post('/v1/segments', {
      name: 'Best cells',
      definition: { source: 'rfm', cells: ['555'] },
    });
    expect(cells.json().member_count).toBe(rfm.customers.filter((c) => c['rfm_cell'] === '555').length);
  });

  it('saves a k-means cluster with exactly the customers the segments report puts in it', async () => {
    const params = { k: 3, sample_size: 2000 };
    const report = await segmentsReport(reportContext(engine, NOW), { ...params, limit: 50_000 });
    const expected = report.customers
      .filter((c) => c['cluster'] === 1)
      .map((c) => c['customer_id'])
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const r = await post('/v1/segments', {
      name: 'Cluster one',
      definition: { source: 'cluster', params, cluster: 1 },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json().member_count).toBe(expected.length);
    const members = await app.inject({
      method: 'GET',
      url: `/v1/segments/${r.json().segment_id}/members`,
      headers: { accept: 'application/json' },
    });
    expect(
      members
        .json()
        .data.map((m: { customer_id: string }) => m.customer_id)
        .sort(),
    ).toEqual(expected);
    const missing = await post('/v1/segments', {
      name: 'No such cluster',
      definition: { source: 'cluster', params, cluster: 7 },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toContain('clusters are 0..2');
  });

  it('saves valuable customers at risk (high past value, low P(alive)): the clv report’s customers of that slice', async () => {
    const params = { unit: 'month' };
    const report = await clvReport(reportContext(engine, NOW), { ...params, limit: 50_000 });
    expect(report.customers).toHaveLength(report.customers_total);
    // High past value: the top fifth by revenue; at risk: P(alive) at most one half.
    const revenues = report.customers.map((c) => Number(c['revenue'])).sort((a, b) => b - a);
    const minValue = revenues[Math.floor(revenues.length / 5)]!;
    const expected = report.customers
      .filter((c) => Number(c['revenue']) >= minValue && Number(c['p_alive']) <= 0.5)
      .map((c) => String(c['customer_id']))
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const r = await post('/v1/segments', {
      name: 'Valuable at risk',
      definition: { source: 'clv', params, min_value: minValue, max_p_alive: 0.5 },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ segment_id: 'valuable-at-risk', member_count: expected.length });
    const members = await app.inject({
      method: 'GET',
      url: '/v1/segments/valuable-at-risk/members',
      headers: { accept: 'application/json' },
    });
    expect(
      members
        .json()
        .data.map((m: { customer_id: string }) => m.customer_id)
        .sort(),
    ).toEqual(expected);
    const unbounded = await post('/v1/segments', { name: 'Everyone', definition: { source: 'clv' } });
    expect(unbounded.statusCode).toBe(400);
  });

  it('saves those who dropped out of a funnel step: as many as the funnel counts', async () => {
    const params = {
      source: 'campaign_responses',
      steps: ['sent', 'opened', 'clicked', 'converted'],
      window: '30d',
    };
    const f = await post('/v1/reports/funnel', params);
    expect(f.statusCode).toBe(200);
    const steps = f.json().steps as { step_index: number; dropped: number; actors: number }[];
    for (const step of [2, 3]) {
      const r = await post('/v1/segments', {
        name: `Funnel step ${step}`,
        definition: { source: 'funnel', params, step, which: 'dropped' },
      });
      expect(r.statusCode).toBe(201);
      expect(r.json().member_count).toBe(steps[step - 1]!.dropped);
    }
    const reached = await post('/v1/segments', {
      name: 'Funnel reached 3',
      definition: { source: 'funnel', params, step: 3, which: 'reached' },
    });
    expect(reached.json().member_count).toBe(steps[2]!.actors);
    // Nobody drops out at the last step: those who reached it completed the funnel.
    const last = await post('/v1/segments', {
      name: 'Funnel step 4',
      definition: { source: 'funnel', params, step: 4, which: 'dropped' },
    });
    expect(last.statusCode).toBe(400);
    expect(last.json().message).toContain('nobody drops out at the last step');
  });

  it('filters any cube query and any report by membership (customers.segment)', async () => {
    const q = await post('/v1/query', {
      query: {
        measures: ['orders.customer_count', 'orders.revenue'],
        filters: [{ member: 'customers.segment', operator: 'equals', values: ['Champions & Loyal'] }],
      },
    });
    const [direct] = (
      await engine.query(`
        SELECT count(DISTINCT f.customer_id) AS n, sum(f.revenue)::DOUBLE AS r FROM fact_order_lines f
        WHERE f.customer_id IN (SELECT customer_id FROM saved_segment_members WHERE segment_id = 'champions-loyal')
          AND f.status = 'completed' AND f.quantity > 0 AND f.unit_price >= 0`)
    ).rows;
    expect(q.json().data[0]['orders.customer_count']).toBe(direct!['n']);
    expect(q.json().data[0]['orders.revenue']).toBeCloseTo(Number(direct!['r']), 2);
    const outside = await post('/v1/query', {
      query: {
        measures: ['orders.customer_count'],
        filters: [{ member: 'customers.segment', operator: 'notEquals', values: ['champions-loyal'] }],
      },
    });
    const all = await post('/v1/query', { query: { measures: ['orders.customer_count'] } });
    expect(outside.json().data[0]['orders.customer_count'] + direct!['n']).toBe(
      all.json().data[0]['orders.customer_count'],
    );
    const cohort = await post('/v1/reports/cohort', {
      filters: [{ member: 'customers.segment', operator: 'equals', values: ['champions-loyal'] }],
    });
    const sizes = cohort.json().cohorts.reduce((s: number, c: { size: number }) => s + c.size, 0);
    expect(sizes).toBe(direct!['n']);
    const grouped = await post('/v1/query', {
      query: { measures: ['orders.count'], dimensions: ['customers.segment'] },
    });
    expect(grouped.statusCode).toBe(400);
  });

  it('saves cohorts, cube queries and id lists; refreshes; deletes; refuses duplicates', async () => {
    const cohort = await post('/v1/segments', {
      name: 'Cohort 2025-03',
      definition: { source: 'cohort', cohort: '2025-03-01' },
    });
    const [firsts] = (
      await engine.query(`
        SELECT count(*) AS n FROM (SELECT customer_id, min(ordered_at) AS first FROM fact_order_lines
        WHERE status = 'completed' AND quantity > 0 AND unit_price >= 0 AND customer_id IS NOT NULL GROUP BY 1)
        WHERE first >= '2025-03-01' AND first < '2025-04-01'`)
    ).rows;
    expect(cohort.json().member_count).toBe(firsts!['n']);
    const big = await post('/v1/segments', {
      name: 'Big B2B spenders',
      definition: {
        source: 'query',
        query: {
          dimensions: ['orders.customer_id'],
          measures: ['orders.revenue'],
          filters: [
            { member: 'customers.type', operator: 'equals', values: ['b2b'] },
            { member: 'orders.revenue', operator: 'gt', values: [100000] },
          ],
        },
      },
    });
    const [spenders] = (
      await engine.query(`
        SELECT count(*) AS n FROM (SELECT f.customer_id FROM fact_order_lines f JOIN dim_customer c USING (customer_key)
        WHERE c.type = 'b2b' AND f.status = 'completed' AND f.quantity > 0 AND f.unit_price >= 0 AND f.customer_id IS NOT NULL
        GROUP BY 1 HAVING sum(f.revenue) > 100000)`)
    ).rows;
    expect(big.json().member_count).toBe(spenders!['n']);
    const ids = await post('/v1/segments', {
      name: 'VIP list',
      definition: { source: 'ids', customer_ids: ['C000001', 'C000002', 'C000002'] },
    });
    expect(ids.json().member_count).toBe(2);
    const again = await post('/v1/segments', {
      name: 'VIP list',
      definition: { source: 'ids', customer_ids: ['C000003'] },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('CONFLICT');
    const replaced = await post('/v1/segments', {
      name: 'VIP list',
      definition: { source: 'ids', customer_ids: ['C000003'] },
      replace: true,
    });
    expect(replaced.json().member_count).toBe(1);
    const refreshed = await post('/v1/segments/vip-list/refresh', {});
    expect(refreshed.json()).toMatchObject({ member_count: 1, created_at: replaced.json().created_at });
    const csv = await app.inject({ method: 'GET', url: '/v1/segments/vip-list/members' });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\n')[0]).toBe('customer_id,name,email,phone,type,industry,country,region,city');
    expect(csv.body.split('\n')[1]).toMatch(/^C000003,/);
    expect((await app.inject({ method: 'DELETE', url: '/v1/segments/vip-list' })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/v1/segments/vip-list' })).json()).toEqual({
      code: 'NOT_FOUND',
      message: 'no saved segment "vip-list"',
      details: { segment: 'vip-list' },
    });
    const bad = await post('/v1/segments', { name: 'x', definition: { source: 'rfm' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('name segments or cells');
  });
});
