import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { loadDemo, ROOT } from '../helpers/demo';

const NOW = new Date('2026-07-01T00:00:00Z');
const COMPLETED = "f.status = 'completed' AND f.quantity > 0 AND f.unit_price >= 0";

interface Tile {
  name: string;
  data: Record<string, unknown>[];
  kpi?: { value: number; comparisons: { kind: string; value: number; delta: number }[] };
  drill?: { member: string; to: string };
  drilled?: { member: string; value: unknown }[];
  applied: string[];
  ignored: string[];
  error?: unknown;
}

describe('dashboards over HTTP', () => {
  let engine: Engine;
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ method: 'GET', url });
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object });
  const tile = (d: { tiles: Tile[] }, name: string) => d.tiles.find((t) => t.name === name)!;
  /** Revenue of completed lines from `from` (inclusive) to `to` (exclusive), optionally of one region. */
  const revenue = async (from: string, to: string, region?: string) => {
    const { rows } = await engine.query({
      text: `SELECT sum(f.revenue)::DOUBLE AS r FROM fact_order_lines f LEFT JOIN dim_customer c USING (customer_key)
             WHERE ${COMPLETED} AND f.ordered_at >= $1::TIMESTAMP AND f.ordered_at < $2::TIMESTAMP
             AND ($3::VARCHAR IS NULL OR c.region = $3)`,
      params: [from, to, region ?? null],
    });
    return Number(rows[0]!['r']);
  };

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    app = await buildApp({ engine, root: ROOT, now: () => NOW });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('lists the dashboards', async () => {
    const r = await get('/v1/dashboards');
    expect(r.statusCode).toBe(200);
    const ids = r.json().data.map((d: { id: string }) => d.id);
    expect(ids).toContain('sales-executive');
    expect(ids).toHaveLength(9);
  });

  it('a region filter changes the KPIs to that region’s numbers, with deltas vs the year before', async () => {
    const all = (await get('/v1/dashboards/sales-executive')).json();
    const west = (await get('/v1/dashboards/sales-executive?region=Western%20Europe')).json();
    const kpi = tile(west, 'revenue').kpi!;
    expect(kpi.value).toBeCloseTo(await revenue('2025-07-01', '2026-07-01', 'Western Europe'), 2);
    expect(tile(all, 'revenue').kpi!.value).toBeCloseTo(await revenue('2025-07-01', '2026-07-01'), 2);
    expect(kpi.value).toBeLessThan(tile(all, 'revenue').kpi!.value);
    // The previous 12 months are the year before: one comparison, not the same one twice.
    expect(kpi.comparisons.map((c) => c.kind)).toEqual(['previous_year']);
    const previous = kpi.comparisons.find((c) => c.kind === 'previous_year')!;
    expect(previous.value).toBeCloseTo(await revenue('2024-07-01', '2025-07-01', 'Western Europe'), 2);
    expect(previous.delta).toBeCloseTo((kpi.value! - previous.value!) / previous.value!, 10);
    expect(tile(west, 'revenue').applied).toEqual(['period', 'region']);
    // The forecast reads all history whatever the period; the page says so.
    expect(tile(west, 'revenue_forecast').ignored).toContain('period');
    const regions = tile(west, 'revenue_by_region').data.map((r) => r['customers.region']);
    expect(regions).toEqual(['Western Europe']);
    const range = (await get('/v1/dashboards/sales-executive?period=2025-01-01..2025-03-31')).json();
    expect(tile(range, 'revenue').kpi!.value).toBeCloseTo(await revenue('2025-01-01', '2025-04-01'), 2);
  });

  it('drills a region bar into its countries, and a month into its days', async () => {
    const bar = (await get('/v1/dashboards/sales-executive/tiles/revenue_by_region.json')).json() as Tile;
    expect(bar.drill).toEqual({ member: 'customers.region', to: 'customers.country' });
    const row = bar.data.find((r) => r['customers.region'] === 'Southern Europe')!;
    const r = await post('/v1/dashboards/sales-executive/tiles/revenue_by_region/drill', {
      path: [{ member: 'customers.region', row }],
    });
    expect(r.statusCode).toBe(200);
    const countries = r.json() as Tile;
    expect(countries.drilled).toEqual([{ member: 'customers.region', value: 'Southern Europe' }]);
    expect(countries.drill).toEqual({ member: 'customers.country', to: 'customers.city' });
    const sum = countries.data.reduce((s, c) => s + Number(c['orders.revenue']), 0);
    expect(sum).toBeCloseTo(Number(row['orders.revenue']), 2);
    const { rows } = await engine.query(
      "SELECT DISTINCT country FROM dim_customer WHERE region = 'Southern Europe' ORDER BY 1",
    );
    expect(countries.data.map((c) => c['customers.country']).sort()).toEqual(
      expect.arrayContaining(rows.map((x) => x['country'])),
    );
    const cities = (
      await post('/v1/dashboards/sales-executive/tiles/revenue_by_region/drill', {
        path: [
          { member: 'customers.region', row },
          { member: 'customers.country', row: countries.data[0] },
        ],
      })
    ).json() as Tile;
    expect(cities.drilled).toHaveLength(2);
    expect(cities.data.every((c) => typeof c['customers.city'] === 'string')).toBe(true);

    const months = (await get('/v1/dashboards/sales-executive/tiles/revenue_by_month.json')).json() as Tile;
    const march = months.data.find((m) => String(m['orders.ordered_at.month']).startsWith('2026-03'))!;
    const days = (
      await post('/v1/dashboards/sales-executive/tiles/revenue_by_month/drill', {
        path: [{ member: 'orders.ordered_at.month', row: march }],
      })
    ).json() as Tile;
    expect(days.data).toHaveLength(31);
    expect(days.data.reduce((s, d) => s + Number(d['orders.revenue']), 0)).toBeCloseTo(
      Number(march['orders.revenue']),
      2,
    );
  });

  it('saves the RFM segment picked on a tile as a target group of exactly the customers counted', async () => {
    const t = (await get('/v1/dashboards/marketing-segments/tiles/rfm_segments.json')).json() as Tile;
    const champions = t.data.find((r) => r['segment'] === 'Champions')!;
    const r = await post('/v1/dashboards/marketing-segments/tiles/rfm_segments/segment', {
      value: 'Champions',
      name: 'Champions from the dashboard',
    });
    expect(r.statusCode).toBe(201);
    const saved = r.json();
    expect(saved.member_count).toBe(champions['customers']);
    const members = await app.inject({
      method: 'GET',
      url: saved.members_url,
      headers: { accept: 'text/csv' },
    });
    expect(members.headers['content-type']).toContain('text/csv');
    expect(members.body.trim().split('\n')).toHaveLength(Number(champions['customers']) + 1);
  });

  it('saves a cell of the value × P(alive) grid as exactly the customers the cell counts', async () => {
    const t = (await get('/v1/dashboards/customer-value/tiles/value_risk.json')).json() as Tile;
    // The valuable customers at risk: the top fifth by revenue with the lowest P(alive) that has any.
    const atRisk = t.data
      .filter((r) => r['past_band'] === 5)
      .sort((a, b) => Number(a['alive_band']) - Number(b['alive_band']))[0]!;
    // And a middle cell, bounded on all four sides.
    const middle = t.data.find((r) => r['past_band'] === 3 && r['alive_band'] === 2)!;
    for (const cell of [atRisk, middle]) {
      const r = await post('/v1/dashboards/customer-value/tiles/value_risk/segment', {
        value: cell['cell'],
        name: `CLV cell ${cell['cell']}`,
      });
      expect(r.statusCode).toBe(201);
      expect(r.json().member_count, String(cell['cell'])).toBe(Number(cell['customers']));
    }
  });

  it('serves a tile as SVG and CSV, and filter values for pickers', async () => {
    const svg = await get(
      '/v1/dashboards/sales-executive/tiles/revenue_by_region.svg?region=Northern%20Europe',
    );
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('<svg');
    const csv = await get('/v1/dashboards/sales-executive/tiles/revenue_by_region.csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('customers.region,orders.revenue');
    // Regions with revenue in the default period, a placeholder customer's unknown region included.
    const { rows } = await engine.query(`
      SELECT count(DISTINCT coalesce(c.region, '?')) AS n FROM fact_order_lines f JOIN dim_customer c USING (customer_key)
      WHERE ${COMPLETED} AND f.ordered_at >= TIMESTAMP '2025-07-01' AND f.ordered_at < TIMESTAMP '2026-07-01'`);
    expect(lines.length - 1).toBe(Number(rows[0]!['n']));
    const values = (await get('/v1/meta/values?member=customers.region&search=europe')).json();
    expect(values.values).toEqual(['Northern Europe', 'Southern Europe', 'Western Europe']);
  });

  it('answers mistakes with 4xx and a message, never 500', async () => {
    const cases: [
      string,
      () => Promise<{ statusCode: number; json(): { message: string } }>,
      number,
      RegExp,
    ][] = [
      ['unknown dashboard', () => get('/v1/dashboards/nope'), 404, /no dashboard "nope"/],
      ['unknown tile', () => get('/v1/dashboards/sales-executive/tiles/nope.json'), 404, /no tile "nope"/],
      ['bad tile format', () => get('/v1/dashboards/sales-executive/tiles/revenue.png'), 404, /NAME\.svg/],
      [
        'unreadable period',
        () => get('/v1/dashboards/sales-executive?period=last%20fortnight%20or%20so'),
        400,
        /filter period/,
      ],
      [
        'drill on a report tile',
        () =>
          post('/v1/dashboards/sales-executive/tiles/revenue_forecast/drill', {
            path: [{ member: 'period', row: { period: '2026-01-01' } }],
          }),
        400,
        /no drill-down/,
      ],
      [
        'drill on a member the query lacks',
        () =>
          post('/v1/dashboards/sales-executive/tiles/revenue_by_region/drill', {
            path: [{ member: 'products.category', row: { 'products.category': 'x' } }],
          }),
        400,
        /products\.category/,
      ],
      [
        'save from a tile without groups',
        () => post('/v1/dashboards/sales-executive/tiles/revenue/segment', { value: 'x', name: 'x' }),
        400,
        /does not offer/,
      ],
      [
        'save without a name',
        () => post('/v1/dashboards/marketing-segments/tiles/rfm_segments/segment', { value: 'Champions' }),
        400,
        /name/,
      ],
      [
        'values of an unknown member',
        () => get('/v1/meta/values?member=customers.nope'),
        400,
        /customers\.nope/,
      ],
    ];
    for (const [what, call, status, message] of cases) {
      const r = await call();
      expect(r.statusCode, what).toBe(status);
      expect(r.json().message, what).toMatch(message);
    }
  });
});
