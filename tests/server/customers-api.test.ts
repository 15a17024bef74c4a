import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Row } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { loadDemo, ROOT } from '../helpers/demo';
import { one } from '../helpers/warehouse';

const NOW = () => new Date('2026-07-01T00:00:00Z');

describe('the Customer 360 API over HTTP', () => {
  let engine: Engine;
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ method: 'GET', url });
  const search = async (text: string, limit = 200) => {
    const r = await get(`/v1/customers?search=${encodeURIComponent(text)}&limit=${limit}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json().data as Row[];
  };

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    app = await buildApp({ engine, root: ROOT, now: NOW });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('answers a customer with every part of the contract', async () => {
    const { customer_id: id } = await one(
      engine,
      `SELECT customer_id FROM fact_order_lines WHERE customer_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const r = await get(`/v1/customers/${id}?timeline_limit=5`);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(Object.keys(body).sort()).toEqual(
      [
        'as_of',
        'cluster',
        'clv',
        'history',
        'kpis',
        'profile',
        'rfm',
        'segments',
        'timeline',
        'timeline_next_before',
        'timeline_totals',
      ].sort(),
    );
    // as_of's default: the day after the latest completed order.
    const { rows } = await engine.query(
      "SELECT (max(ordered_at)::DATE + 1)::VARCHAR AS d FROM fact_order_lines WHERE status = 'completed'",
    );
    expect(body.as_of).toBe(rows[0]!['d']);
    expect(body.profile.customer_id).toBe(id);
    expect(body.rfm).toMatchObject({ r: expect.any(Number), cell: expect.stringMatching(/^\d{3}$/) });
    expect(body.cluster).toMatchObject({ cluster: expect.any(Number), label: expect.any(String) });
    expect(body.clv).toMatchObject({ p_alive: expect.any(Number), clv: expect.any(Number), unit: 'week' });
    expect(body.timeline.length).toBeGreaterThanOrEqual(5);
    for (const e of body.timeline) {
      expect(Object.keys(e).sort()).toEqual(
        ['amount', 'at', 'data', 'detail', 'kind', 'planned', 'ref', 'status', 'title'].sort(),
      );
    }
    const next = await get(`/v1/customers/${id}?timeline_limit=5&before=${body.timeline_next_before}`);
    expect(next.json().timeline[0].at < body.timeline_next_before).toBe(true);
    const two = await get(`/v1/customers/${id}?kinds=order&kinds=ticket&timeline_limit=2000`);
    const [orders] = (
      await engine.query({
        text: `SELECT count(DISTINCT order_id) AS o, (SELECT count(*) FROM fact_tickets WHERE customer_id = $1) AS t
               FROM fact_order_lines WHERE customer_id = $1`,
        params: [String(id)],
      })
    ).rows;
    expect(two.json().timeline.length).toBe(Number(orders!['o']) + Number(orders!['t']));
  });

  it('answers 404 NOT_FOUND for an unknown customer', async () => {
    const r = await get('/v1/customers/C999999');
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({
      code: 'NOT_FOUND',
      message: 'no customer "C999999"',
      details: { customer_id: 'C999999' },
    });
  });

  it.each([
    ['/v1/customers', 'search'],
    ['/v1/customers?search=%20%20', 'search'],
    ['/v1/customers?search=a&limit=0', 'limit'],
    ['/v1/customers?search=a&limit=201', 'limit'],
    ['/v1/customers?search=a&limit=ten', 'limit'],
    ['/v1/customers?search=a&search=b', 'search'],
    ['/v1/customers?search=a&order=name', ''],
    ['/v1/customers/C000001?timeline_limit=0', 'timeline_limit'],
    ['/v1/customers/C000001?timeline_limit=2001', 'timeline_limit'],
    ['/v1/customers/C000001?kinds=order,email', 'kinds.1'],
    ['/v1/customers/C000001?kinds=', 'kinds'],
    ['/v1/customers/C000001?before=yesterday', 'before'],
    ['/v1/customers/C000001?before=2026-02-30T10:00:00Z', 'before'],
    ['/v1/customers/C000001?as_of=2026-13-01', 'as_of'],
  ])('answers 400 VALIDATION_FAILED to %s', async (url, path) => {
    const r = await get(url);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^invalid query string: /),
      details: { issues: [{ path, message: expect.any(String) }] },
    });
  });

  it('finds a customer by e-mail with the revenue, orders and last order of their completed lines', async () => {
    const c = await one(
      engine,
      `SELECT c.customer_id, c.email, sum(o.revenue)::DOUBLE AS revenue, count(DISTINCT o.order_id) AS orders,
              max(o.ordered_at) AS last_order_at
       FROM dim_customer c JOIN fact_order_lines o ON o.customer_id = c.customer_id
       WHERE c.is_current AND c.type = 'b2b' AND o.status = 'completed' AND o.quantity > 0 AND o.unit_price >= 0
       GROUP BY ALL ORDER BY revenue DESC, 1 LIMIT 1`,
    );
    const [hit] = await search(String(c['email']).toUpperCase());
    expect(hit).toMatchObject({
      customer_id: c['customer_id'],
      matched_on: 'email',
      orders: Number(c['orders']),
      last_order_at: c['last_order_at'],
      placeholder: false,
    });
    expect(Number(hit!['revenue'])).toBeCloseTo(Number(c['revenue']), 6);
  });

  it('finds a phone number written another way, and only numbers with those digits', async () => {
    const c = await one(
      engine,
      `SELECT customer_id, phone FROM dim_customer WHERE is_current AND phone LIKE '+49 %' ORDER BY customer_id LIMIT 1`,
    );
    // "+49 177 9124822" written nationally: "0177 / 912-4822".
    const national = String(c['phone'])
      .replace(/^\+49 /, '0')
      .replace(/ /, ' / ');
    const hits = await search(national);
    expect(hits.map((h) => h['customer_id'])).toContain(c['customer_id']);
    const digits = String(c['phone']).replace(/\D/g, '').slice(2);
    const expected = await engine.query({
      text: `SELECT customer_id FROM dim_customer
             WHERE is_current AND contains(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), $1) ORDER BY 1`,
      params: [digits],
    });
    expect(hits.map((h) => h['customer_id']).sort()).toEqual(expected.rows.map((r) => r['customer_id']));
  });

  it('finds placeholder customers by id and marks them', async () => {
    const p = await one(
      engine,
      `SELECT customer_id FROM dim_customer WHERE is_placeholder ORDER BY 1 LIMIT 1`,
    );
    const [hit] = await search(String(p['customer_id']));
    expect(hit).toMatchObject({
      customer_id: p['customer_id'],
      placeholder: true,
      name: null,
      matched_on: 'id',
    });
    const detail = await get(`/v1/customers/${p['customer_id']}`);
    expect(detail.json().profile).toMatchObject({ customer_id: p['customer_id'], placeholder: true });
  });

  it('treats hostile search text as text', async () => {
    const literal = async (needle: string) =>
      (
        await engine.query({
          text: `SELECT customer_id FROM dim_customer
                 WHERE is_current AND (strpos(lower(name), $1) > 0 OR strpos(lower(email), $1) > 0
                   OR starts_with(lower(customer_id), $1)) ORDER BY 1`,
          params: [needle],
        })
      ).rows.map((r) => r['customer_id']);
    const before = await one(engine, 'SELECT count(*) AS n FROM dim_customer');
    for (const text of ["'; DROP TABLE dim_customer; --", '%', '_', '%a%', "o'b", '\\', '"']) {
      const hits = await search(text);
      expect(hits.map((h) => h['customer_id']).sort(), text).toEqual(await literal(text.toLowerCase()));
    }
    expect(await one(engine, 'SELECT count(*) AS n FROM dim_customer')).toEqual(before);
    expect((await search("o'b")).length).toBeGreaterThan(0);
  });
});
