import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryService } from '../../src/cube/service';
import type { Engine, Row } from '../../src/engine';
import { loadModel } from '../../src/model/load';
import { DEMO_NOW, loadDemo, ROOT } from '../helpers/demo';

const NOW = new Date('2026-07-01T00:00:00Z');
const COMPLETED = "status = 'completed' AND quantity > 0 AND unit_price >= 0";

/** Rows compared after rounding numbers, so DECIMAL→double noise cannot fail a test. */
function rounded(rows: readonly Row[]): Row[] {
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v]),
    ),
  );
}

describe('cube queries on the demo warehouse equal hand-written SQL', () => {
  let engine: Engine;
  let service: QueryService;
  let version = 1;
  const data = async (query: unknown) => (await service.load(query)).results[0]!.data;
  const sqlRows = async (text: string) => (await engine.query(text)).rows;

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    service = new QueryService({
      engine,
      model: loadModel(join(ROOT, 'cubes')),
      version: () => version,
      now: () => NOW,
    });
  });
  afterAll(() => engine.close());

  it('revenue and orders by region and month over an absolute range', async () => {
    const got = await data({
      measures: ['orders.revenue', 'orders.order_count'],
      dimensions: ['customers.region'],
      timeDimensions: [
        { dimension: 'orders.ordered_at', granularity: 'month', dateRange: ['2025-01-01', '2025-03-31'] },
      ],
      order: [
        ['orders.ordered_at', 'asc'],
        ['customers.region', 'asc'],
      ],
    });
    const expected = await sqlRows(`
      SELECT c.region AS "customers.region", strftime(date_trunc('month', f.ordered_at), '%Y-%m-%dT%H:%M:%S.000') AS "orders.ordered_at.month",
             sum(f.revenue) FILTER (WHERE ${COMPLETED.replaceAll(/(status|quantity|unit_price)/g, 'f.$1')})::DOUBLE AS "orders.revenue",
             count(DISTINCT f.order_id) FILTER (WHERE ${COMPLETED.replaceAll(/(status|quantity|unit_price)/g, 'f.$1')}) AS "orders.order_count"
      FROM fact_order_lines f LEFT JOIN dim_customer c USING (customer_key)
      WHERE f.ordered_at >= '2025-01-01' AND f.ordered_at < '2025-04-01'
      GROUP BY 1, 2 ORDER BY 2, 1 NULLS LAST`);
    expect(rounded(got.map(({ ['orders.ordered_at']: _, ...r }) => r))).toEqual(rounded(expected));
    expect(got[0]!['orders.ordered_at']).toBe(got[0]!['orders.ordered_at.month']);
  });

  it('two facts by a shared dimension are aggregated separately, never multiplied', async () => {
    const got = await data({
      measures: ['orders.revenue', 'interactions.count', 'tickets.count'],
      dimensions: ['customers.region'],
      order: { 'customers.region': 'asc' },
    });
    const expected = await sqlRows(`
      WITH o AS (SELECT c.region, sum(f.revenue) FILTER (WHERE f.${COMPLETED.replaceAll(' AND ', ' AND f.')})::DOUBLE AS revenue
                 FROM fact_order_lines f LEFT JOIN dim_customer c USING (customer_key) GROUP BY 1),
           i AS (SELECT c.region, count(*) AS n FROM fact_interactions f LEFT JOIN dim_customer c USING (customer_key) GROUP BY 1),
           t AS (SELECT c.region, count(*) AS n FROM fact_tickets f LEFT JOIN dim_customer c USING (customer_key) GROUP BY 1)
      SELECT coalesce(o.region, i.region, t.region) AS "customers.region", o.revenue AS "orders.revenue",
             i.n AS "interactions.count", t.n AS "tickets.count"
      FROM o FULL JOIN i ON o.region IS NOT DISTINCT FROM i.region
             FULL JOIN t ON coalesce(o.region, i.region) IS NOT DISTINCT FROM t.region
      ORDER BY 1 NULLS LAST`);
    expect(rounded(got)).toEqual(rounded(expected));
    // The naive join would multiply: prove the numbers differ from it, so the test means something.
    const naive = await sqlRows(`
      SELECT sum(f.revenue)::DOUBLE AS r FROM fact_order_lines f JOIN fact_interactions i USING (customer_id)
      WHERE f.${COMPLETED.replaceAll(' AND ', ' AND f.')}`);
    const total = got.reduce((s, r) => s + Number(r['orders.revenue'] ?? 0), 0);
    expect(Number(naive[0]!['r'])).toBeGreaterThan(total * 2);
  });

  it('a measure of a dimension cube by a fact dimension counts distinct rows (multiplied measure)', async () => {
    const got = await data({
      measures: ['campaigns.total_cost'],
      dimensions: ['orders.status'],
      order: { 'orders.status': 'asc' },
    });
    const expected = await sqlRows(`
      SELECT status AS "orders.status", sum(cost)::DOUBLE AS "campaigns.total_cost"
      FROM (SELECT DISTINCT f.status, c.campaign_key, c.cost FROM fact_order_lines f LEFT JOIN dim_campaign c USING (campaign_key))
      GROUP BY 1 ORDER BY 1`);
    expect(rounded(got)).toEqual(rounded(expected));
  });

  it('relative range, filters of several operators, segment and a measure filter', async () => {
    const got = await data({
      measures: ['orders.revenue', 'orders.customer_count'],
      dimensions: ['customers.country'],
      timeDimensions: [{ dimension: 'orders.ordered_at', dateRange: 'last 6 months' }],
      filters: [
        { member: 'customers.type', operator: 'equals', values: ['b2b'] },
        {
          or: [
            { member: 'customers.country', operator: 'startsWith', values: ['g', 'f'] },
            { member: 'customers.city', operator: 'contains', values: ['MADR'] },
          ],
        },
        { member: 'orders.revenue', operator: 'gt', values: ['1000'] },
      ],
      segments: ['orders.completed'],
      order: { 'customers.country': 'asc' },
    });
    const expected = await sqlRows(`
      SELECT c.country AS "customers.country", sum(f.revenue)::DOUBLE AS "orders.revenue", count(DISTINCT f.customer_id) AS "orders.customer_count"
      FROM fact_order_lines f LEFT JOIN dim_customer c USING (customer_key)
      WHERE f.ordered_at >= '2026-01-01' AND f.ordered_at < '2026-07-01' AND c.type = 'b2b'
        AND (lower(c.country) LIKE 'g%' OR lower(c.country) LIKE 'f%' OR lower(c.city) LIKE '%madr%')
        AND f.${COMPLETED.replaceAll(' AND ', ' AND f.')}
      GROUP BY 1 HAVING sum(f.revenue) > 1000 ORDER BY 1`);
    expect(expected.length).toBeGreaterThan(1);
    expect(rounded(got)).toEqual(rounded(expected));
  });

  it('notEquals keeps NULLs, as Cube does; set/notSet select them', async () => {
    const notB2b = await data({
      measures: ['orders.count'],
      filters: [{ member: 'customers.type', operator: 'notEquals', values: ['b2b'] }],
    });
    const expected = await sqlRows(
      `SELECT count(*) AS n FROM fact_order_lines f LEFT JOIN dim_customer c USING (customer_key) WHERE c.type <> 'b2b' OR c.type IS NULL`,
    );
    expect(notB2b[0]!['orders.count']).toBe(expected[0]!['n']);
    const unknown = await data({
      measures: ['orders.count'],
      filters: [{ member: 'orders.customer_id', operator: 'notSet' }],
    });
    const guests = await sqlRows('SELECT count(*) AS n FROM fact_order_lines WHERE customer_id IS NULL');
    expect(unknown[0]!['orders.count']).toBe(guests[0]!['n']);
    expect(Number(guests[0]!['n'])).toBeGreaterThan(0);
  });

  it('week and quarter buckets, and a time zone moves both the buckets and the range', async () => {
    const utc = await data({
      measures: ['orders.count'],
      timeDimensions: [
        { dimension: 'orders.ordered_at', granularity: 'day', dateRange: ['2025-03-10', '2025-03-10'] },
      ],
    });
    const tokyo = await data({
      measures: ['orders.count'],
      timezone: 'Asia/Tokyo',
      timeDimensions: [
        { dimension: 'orders.ordered_at', granularity: 'day', dateRange: ['2025-03-10', '2025-03-10'] },
      ],
    });
    const [u] = await sqlRows(
      `SELECT count(*) AS n FROM fact_order_lines WHERE ordered_at >= '2025-03-10' AND ordered_at < '2025-03-11'`,
    );
    const [t] = await sqlRows(
      `SELECT count(*) AS n FROM fact_order_lines WHERE ordered_at >= '2025-03-09 15:00' AND ordered_at < '2025-03-10 15:00'`,
    );
    expect(utc).toEqual([
      {
        'orders.ordered_at.day': '2025-03-10T00:00:00.000',
        'orders.count': u!['n'],
        'orders.ordered_at': '2025-03-10T00:00:00.000',
      },
    ]);
    expect(tokyo).toEqual([
      {
        'orders.ordered_at.day': '2025-03-10T00:00:00.000',
        'orders.count': t!['n'],
        'orders.ordered_at': '2025-03-10T00:00:00.000',
      },
    ]);
    expect(u!['n']).not.toBe(t!['n']);
    const weeks = await data({
      measures: ['orders.count'],
      timeDimensions: [
        { dimension: 'orders.ordered_at', granularity: 'week', dateRange: ['2025-03-03', '2025-03-16'] },
      ],
    });
    expect(weeks.map((w) => w['orders.ordered_at.week'])).toEqual([
      '2025-03-03T00:00:00.000',
      '2025-03-10T00:00:00.000',
    ]);
  });

  it('rollup adds subtotals and a grand total, marked', async () => {
    const got = await data({
      measures: ['orders.order_count'],
      dimensions: ['customers.region', 'customers.type'],
      filters: [{ member: 'customers.region', operator: 'set' }],
      rollup: true,
      order: [
        ['customers.region', 'asc'],
        ['customers.type', 'asc'],
      ],
    });
    const grand = got.filter((r) => (r['__subtotal'] as string[]).length === 2);
    expect(grand).toHaveLength(1);
    const detail = got.filter((r) => (r['__subtotal'] as string[]).length === 0);
    const [total] = await sqlRows(
      `SELECT count(DISTINCT order_id) FILTER (WHERE f.${COMPLETED.replaceAll(' AND ', ' AND f.')}) AS n FROM fact_order_lines f JOIN dim_customer c USING (customer_key) WHERE c.region IS NOT NULL`,
    );
    expect(grand[0]!['orders.order_count']).toBe(total!['n']);
    const regions = got.filter((r) => (r['__subtotal'] as string[]).join() === 'customers.type');
    expect(regions.map((r) => r['customers.region'])).toEqual(
      [...new Set(detail.map((r) => r['customers.region']))].sort(),
    );
  });

  it('rollup over months in a time zone: monthly rows in local months, per-region subtotals and the grand total', async () => {
    const got = await data({
      measures: ['orders.revenue'],
      dimensions: ['customers.region'],
      timeDimensions: [
        { dimension: 'orders.ordered_at', granularity: 'month', dateRange: ['2025-01-01', '2025-03-31'] },
      ],
      filters: [{ member: 'customers.region', operator: 'equals', values: ['Western Europe'] }],
      timezone: 'America/New_York',
      rollup: true,
    });
    // Orders on 1 Feb 00:00–05:00 UTC are still January in New York: months are local ones.
    const expected = await sqlRows(
      `SELECT strftime(date_trunc('month', timezone('America/New_York', f.ordered_at::TIMESTAMPTZ)), '%Y-%m') AS m,
              round(sum(f.revenue), 4)::DOUBLE AS revenue
       FROM fact_order_lines f JOIN dim_customer c USING (customer_key)
       WHERE c.region = 'Western Europe' AND f.${COMPLETED.replaceAll(' AND ', ' AND f.')}
         AND timezone('America/New_York', f.ordered_at::TIMESTAMPTZ) >= TIMESTAMP '2025-01-01'
         AND timezone('America/New_York', f.ordered_at::TIMESTAMPTZ) < TIMESTAMP '2025-04-01'
       GROUP BY ALL ORDER BY m`,
    );
    const months = got.filter((r) => (r['__subtotal'] as string[]).length === 0);
    expect(
      rounded(months)
        .map((r) => [String(r['orders.ordered_at.month']).slice(0, 7), r['orders.revenue']])
        .sort(),
    ).toEqual(expected.map((r) => [r['m'], r['revenue']]));
    const total = got.filter((r) => (r['__subtotal'] as string[]).length === 2);
    expect(total).toHaveLength(1);
    const sum = expected.reduce((s, r) => s + Number(r['revenue']), 0);
    expect(Number(total[0]!['orders.revenue'])).toBeCloseTo(sum, 2);
  });

  it('pivot, total and offset', async () => {
    const r = (
      await service.load({
        measures: ['orders.order_count'],
        dimensions: ['customers.region'],
        timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'year' }],
        pivot: { rows: ['customers.region'], columns: ['orders.ordered_at.year'] },
        total: true,
        limit: 5,
        offset: 2,
        order: [
          ['customers.region', 'asc'],
          ['orders.ordered_at', 'asc'],
        ],
      })
    ).results[0]!;
    const [all] = await sqlRows(
      `SELECT count(*) AS n FROM (SELECT DISTINCT c.region, year(f.ordered_at) FROM fact_order_lines f LEFT JOIN dim_customer c USING (customer_key))`,
    );
    expect(r.total).toBe(all!['n']);
    expect(r.data).toHaveLength(5);
    expect(r.pivot!.columns.map((c) => c.key)).toEqual([
      ...new Set(r.data.map((d) => d['orders.ordered_at.year'])),
    ]);
    const first = r.pivot!.rows[0]!;
    const cell = first.cells[String(r.data[0]!['orders.ordered_at.year'])]!;
    expect(cell['orders.order_count']).toBe(r.data[0]!['orders.order_count']);
  });

  it('compareDateRange answers one result per range', async () => {
    const r = await service.load({
      measures: ['orders.revenue'],
      timeDimensions: [
        { dimension: 'orders.ordered_at', compareDateRange: [['2025-01-01', '2025-01-31'], 'this year'] },
      ],
    });
    expect(r.queryType).toBe('compareDateRangeQuery');
    expect(r.results.map((x) => x.data[0]!['compareDateRange'])).toEqual([
      '2025-01-01T00:00:00.000 - 2025-01-31T23:59:59.999',
      '2026-01-01T00:00:00.000 - 2026-12-31T23:59:59.999',
    ]);
    const [jan] = await sqlRows(
      `SELECT sum(revenue)::DOUBLE AS r FROM fact_order_lines WHERE ${COMPLETED} AND ordered_at >= '2025-01-01' AND ordered_at < '2025-02-01'`,
    );
    expect(r.results[0]!.data[0]!['orders.revenue']).toBeCloseTo(Number(jan!['r']), 4);
  });

  it('overdue receivables are read against the service clock, not the database clock', async () => {
    // The demo's export moment, and the same data read four months later: orders due in
    // between become overdue only on the later clock.
    const later = new Date(DEMO_NOW.getTime() + 120 * 86_400_000);
    const serviceAt = (clock: Date) =>
      new QueryService({
        engine,
        model: loadModel(join(ROOT, 'cubes')),
        version: () => version,
        now: () => clock,
      });
    const stamp = (t: Date) => t.toISOString().slice(0, 19).replace('T', ' ');
    const query = { measures: ['orders.overdue_amount', 'orders.overdue_orders'] };
    const at = async (clock: string) =>
      (
        await sqlRows(`
        SELECT sum(revenue) FILTER (WHERE w)::DOUBLE AS "orders.overdue_amount",
               count(DISTINCT order_id) FILTER (WHERE w) AS "orders.overdue_orders"
        FROM (SELECT *, status = 'completed' AND paid_at IS NULL AND due_at < TIMESTAMP '${clock}' AS w
              FROM fact_order_lines)`)
      )[0]!;
    const now = rounded((await serviceAt(DEMO_NOW).load(query)).results[0]!.data)[0];
    const then = rounded((await serviceAt(later).load(query)).results[0]!.data)[0];
    expect(now).toEqual(rounded([await at(stamp(DEMO_NOW))])[0]);
    expect(then).toEqual(rounded([await at(stamp(later))])[0]);
    expect(Number(then!['orders.overdue_orders'])).toBeGreaterThan(Number(now!['orders.overdue_orders']));
  });

  it('customers with and without a planned contact, and their last contact, against the clock', async () => {
    const got = await data({
      measures: ['customers.count'],
      dimensions: ['customers.has_planned_contact'],
      order: { 'customers.has_planned_contact': 'asc' },
    });
    const expected = await sqlRows(`
      SELECT customer_id IN (SELECT customer_id FROM fact_interactions
                             WHERE status = 'planned' AND occurred_at >= TIMESTAMP '2026-07-01') AS "customers.has_planned_contact",
             count(DISTINCT customer_id) AS "customers.count"
      FROM dim_customer GROUP BY 1 ORDER BY 1`);
    expect(got).toEqual(expected);
    expect(
      Number(got.find((r) => r['customers.has_planned_contact'] === true)?.['customers.count']),
    ).toBeGreaterThan(0);
    const last = await data({
      dimensions: ['customers.customer_id', 'customers.last_contact_at'],
      filters: [{ member: 'customers.customer_id', operator: 'equals', values: ['C000004'] }],
    });
    const [ref] = await sqlRows(`
      SELECT strftime(max(occurred_at), '%Y-%m-%dT%H:%M:%S.%g') AS t FROM fact_interactions
      WHERE customer_id = 'C000004' AND status = 'done' AND occurred_at < TIMESTAMP '2026-07-01'`);
    expect(last[0]!['customers.last_contact_at']).toBe(ref!['t']);
  });

  it('ungrouped returns rows, dimensions-only groups', async () => {
    const raw = await data({
      dimensions: ['orders.order_id', 'orders.line_no'],
      measures: ['orders.revenue'],
      ungrouped: true,
      limit: 3,
      order: [
        ['orders.order_id', 'asc'],
        ['orders.line_no', 'asc'],
      ],
    });
    const expected = await sqlRows(
      `SELECT order_id AS "orders.order_id", line_no AS "orders.line_no", CASE WHEN ${COMPLETED} THEN revenue END::DOUBLE AS "orders.revenue" FROM fact_order_lines ORDER BY 1, 2 LIMIT 3`,
    );
    expect(rounded(raw)).toEqual(rounded(expected));
    const statuses = await data({ dimensions: ['orders.status'], order: { 'orders.status': 'asc' } });
    expect(statuses).toEqual([
      { 'orders.status': 'cancelled' },
      { 'orders.status': 'completed' },
      { 'orders.status': 'returned' },
    ]);
  });

  it('serves repeated queries from the cache until the data version changes; no-cache bypasses it', async () => {
    const q = { measures: ['orders.count'], dimensions: ['orders.status'] };
    const first = (await service.load(q)).results[0]!;
    const second = (await service.load(q)).results[0]!;
    expect(second.lastRefreshTime).toBe(first.lastRefreshTime);
    await new Promise((r) => setTimeout(r, 5));
    const bypass = (await service.load(q, { cache: 'no-cache' })).results[0]!;
    expect(bypass.lastRefreshTime).not.toBe(first.lastRefreshTime);
    version += 1;
    await new Promise((r) => setTimeout(r, 5));
    const fresh = (await service.load(q)).results[0]!;
    expect(fresh.lastRefreshTime).not.toBe(bypass.lastRefreshTime);
    expect(fresh.data).toEqual(first.data);
  });

  it('drill-down goes one level down a hierarchy and a time granularity', () => {
    const q = {
      measures: ['orders.revenue'],
      dimensions: ['customers.region'],
      timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'year' }],
    };
    expect(service.drill(q, 'customers.region', { 'customers.region': 'Western Europe' })).toMatchObject({
      dimensions: ['customers.country'],
      filters: [{ member: 'customers.region', operator: 'equals', values: ['Western Europe'] }],
    });
    expect(
      service.drill(q, 'orders.ordered_at.year', { 'orders.ordered_at.year': '2025-01-01T00:00:00.000' })
        .timeDimensions,
    ).toEqual([
      {
        dimension: 'orders.ordered_at',
        granularity: 'quarter',
        dateRange: ['2025-01-01T00:00:00.000', '2025-12-31T23:59:59.999'],
      },
    ]);
    expect(() => service.drill(q, 'customers.region', {})).toThrow(/no value for customers.region/);
  });
});
