import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { loadDemo, ROOT } from '../helpers/demo';

const NOW = () => new Date('2026-07-01T00:00:00Z');
const Q = {
  measures: ['orders.revenue'],
  dimensions: ['customers.region'],
  order: { 'customers.region': 'asc' },
};

describe('the query API over HTTP', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ engine } = await loadDemo());
    app = await buildApp({ engine, root: ROOT, now: NOW });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload: payload as object, headers });

  it('answers JSON by default, the same for GET ?query= and POST', async () => {
    const a = await post('/v1/query', { query: Q });
    const b = await app.inject({
      method: 'GET',
      url: `/v1/query?query=${encodeURIComponent(JSON.stringify(Q))}`,
    });
    expect(a.statusCode).toBe(200);
    expect(a.headers['content-type']).toMatch(/application\/json/);
    expect(a.json().data).toEqual(b.json().data);
    expect(a.json().annotation.measures['orders.revenue']).toMatchObject({
      title: 'Orders Revenue',
      type: 'number',
      format: 'currency',
    });
    const multi = await post('/v1/query', { query: Q, queryType: 'multi' });
    expect(multi.json()).toMatchObject({ queryType: 'regularQuery', results: [{ data: a.json().data }] });
  });

  it('streams CSV and Arrow with the same numbers', async () => {
    const json = (await post('/v1/query', { query: Q })).json().data as Record<string, unknown>[];
    const csv = await post('/v1/query', { query: Q }, { accept: 'text/csv' });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('customers.region,orders.revenue');
    expect(lines.slice(1).map((l) => Number(l.split(',').at(-1)))).toEqual(
      json.map((r) => Number(r['orders.revenue'])),
    );
    const arrow = await post('/v1/query', { query: Q }, { accept: 'application/vnd.apache.arrow.stream' });
    expect(arrow.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(arrow.rawPayload);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['customers.region', 'orders.revenue']);
    expect(table.toArray().map((r) => r['orders.revenue'])).toEqual(json.map((r) => r['orders.revenue']));
    const bad = await post('/v1/query', { query: Q }, { accept: 'image/png' });
    expect(bad.statusCode).toBe(406);
    expect(bad.json()).toEqual({ code: 'NOT_ACCEPTABLE', message: expect.stringContaining('image/png') });
  });

  it('answers every user mistake with a 4xx and a whole error body', async () => {
    const cases: [unknown, number, object][] = [
      [
        { query: { measures: ['orders.revenu'] } },
        400,
        {
          code: 'UNKNOWN_MEMBER',
          message: 'unknown measure "orders.revenu" in measures; did you mean orders.revenue?',
          details: { member: 'orders.revenu', where: 'measures' },
        },
      ],
      [
        { query: { measures: ['orders.status'] } },
        400,
        {
          code: 'UNKNOWN_MEMBER',
          message: '"orders.status" in measures is a dimension, not a measure',
          details: { member: 'orders.status', where: 'measures' },
        },
      ],
      [
        { query: { measures: ['orders'] } },
        400,
        {
          code: 'VALIDATION_FAILED',
          message: 'invalid query: measures.0: a member is "cube.member"',
          details: { issues: [{ path: 'measures.0', message: 'a member is "cube.member"' }] },
        },
      ],
      [
        { query: { measures: ['orders.count'], bogus: 1 } },
        400,
        { code: 'VALIDATION_FAILED', message: expect.stringContaining('bogus'), details: expect.any(Object) },
      ],
      [
        {
          query: {
            measures: ['orders.count'],
            timeDimensions: [{ dimension: 'orders.ordered_at', dateRange: 'next blue moon' }],
          },
        },
        400,
        {
          code: 'INVALID_QUERY',
          message: expect.stringContaining('next blue moon'),
          details: { member: 'orders.ordered_at' },
        },
      ],
      [
        {
          query: {
            measures: ['orders.count'],
            filters: [{ member: 'orders.status', operator: 'gt', values: ['a'] }],
          },
        },
        400,
        {
          code: 'INVALID_QUERY',
          message: 'filter on orders.status: the operator gt does not apply to a string dimension',
          details: { member: 'orders.status' },
        },
      ],
      [
        {
          query: {
            measures: ['orders.count'],
            filters: [{ member: 'orders.line_no', operator: 'equals', values: ['x'] }],
          },
        },
        400,
        {
          code: 'INVALID_QUERY',
          message: 'filter on orders.line_no: "x" is not a number',
          details: { member: 'orders.line_no' },
        },
      ],
      [
        { query: { measures: ['orders.count'], limit: 1000000 } },
        400,
        {
          code: 'INVALID_QUERY',
          message: 'limit 1000000 is above the maximum of 50000 rows; page with offset',
          details: { maxLimit: 50000 },
        },
      ],
      [
        { query: { measures: ['orders.count'], timezone: 'Mars/Olympus' } },
        400,
        {
          code: 'INVALID_QUERY',
          message: 'unknown time zone "Mars/Olympus"; use an IANA name such as Europe/Berlin',
        },
      ],
      [
        { query: { measures: ['orders.count'], order: { 'orders.status': 'asc' } } },
        400,
        {
          code: 'INVALID_QUERY',
          message: "order: orders.status is not among the query's measures and dimensions",
          details: { member: 'orders.status' },
        },
      ],
      [
        { query: { dimensions: ['customers.region', 'products.category'] } },
        400,
        {
          code: 'INVALID_QUERY',
          message: expect.stringContaining('no join path connects the cubes customers, products'),
        },
      ],
      [
        { notquery: 1 },
        400,
        { code: 'VALIDATION_FAILED', message: expect.stringContaining('query'), details: expect.any(Object) },
      ],
    ];
    for (const [body, status, expected] of cases) {
      const r = await post('/v1/query', body);
      expect({ body, status: r.statusCode, json: r.json() }).toEqual({ body, status, json: expected });
    }
    const notJson = await app.inject({ method: 'GET', url: '/v1/query?query=%7Bnope' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toEqual({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^the query parameter is not JSON: /),
    });
  });

  it('treats hostile text in member names and filter values as data', async () => {
    const names = [
      "orders.count'; DROP TABLE fact_order_lines; --",
      'orders.cöunt',
      'orders."count"',
      'orders.count/*x*/',
    ];
    for (const name of names) {
      const r = await post('/v1/query', { query: { measures: [name] } });
      expect(r.statusCode).toBe(400);
      expect(r.json().code).toBe('VALIDATION_FAILED');
    }
    const values = ["'; DROP TABLE fact_order_lines; --", 'a"b', '%', '_', 'Zürich 🚀', 'x\u0000y', "\\'"];
    for (const v of values) {
      const r = await post('/v1/query', {
        query: {
          measures: ['orders.count'],
          filters: [{ member: 'customers.city', operator: 'contains', values: [v] }],
        },
      });
      expect(r.statusCode).toBe(200);
      expect(r.json().data).toEqual([{ 'orders.count': 0 }]);
      const sql = await post('/v1/sql', {
        query: {
          measures: ['orders.count'],
          filters: [{ member: 'customers.city', operator: 'equals', values: [v] }],
        },
      });
      if (v.length > 2) expect(sql.json().queries[0].text).not.toContain(v);
      expect(sql.json().queries[0].params).toContain(v);
    }
    // The table is intact: every order line is still counted.
    const lines = Number((await engine.query('SELECT count(*) AS n FROM fact_order_lines')).rows[0]!['n']);
    expect(lines).toBeGreaterThan(50_000);
    expect(
      (await post('/v1/query', { query: { measures: ['orders.count'] } })).json().data[0]['orders.count'],
    ).toBe(lines);
  });

  it("/v1/meta and /cubejs-api/v1/meta describe the model in Cube's shape", async () => {
    const meta = (await app.inject({ method: 'GET', url: '/v1/meta' })).json();
    const orders = meta.cubes.find((c: { name: string }) => c.name === 'orders');
    expect(
      orders.measures.find((m: { name: string }) => m.name === 'orders.average_order_value'),
    ).toMatchObject({ type: 'number', aggType: 'number', format: 'currency' });
    expect(orders.dimensions.find((d: { name: string }) => d.name === 'orders.ordered_at')).toMatchObject({
      type: 'time',
    });
    const customers = meta.cubes.find((c: { name: string }) => c.name === 'customers');
    expect(customers.hierarchies).toEqual([
      {
        name: 'customers.geography',
        title: 'Region > Country > City',
        levels: ['customers.region', 'customers.country', 'customers.city'],
      },
    ]);
    expect(customers.dimensions.some((d: { name: string }) => d.name === 'customers.customer_key')).toBe(
      false,
    );
    expect((await app.inject({ method: 'GET', url: '/cubejs-api/v1/meta' })).json()).toEqual(meta);
  });

  it('/v1/sql and /cubejs-api/v1/sql give SQL and parameters without running it', async () => {
    const r = await post('/v1/sql', {
      query: { ...Q, filters: [{ member: 'customers.type', operator: 'equals', values: ['b2b'] }] },
    });
    expect(r.json().queries[0]).toMatchObject({ params: ['b2b', 10000], dialect: 'duckdb' });
    expect(r.json().queries[0].text).toContain('FROM "fact_order_lines" AS "orders"');
    const cube = await app.inject({
      method: 'GET',
      url: `/cubejs-api/v1/sql?query=${encodeURIComponent(JSON.stringify(Q))}`,
    });
    expect(cube.json().sql.sql).toEqual([expect.stringContaining('SELECT'), [10000]]);
  });

  it('/v1/drill returns the next level query', async () => {
    const r = await post('/v1/drill', {
      query: Q,
      member: 'customers.region',
      row: { 'customers.region': 'Northern Europe' },
    });
    expect(r.json().query.dimensions).toEqual(['customers.country']);
    const bad = await post('/v1/drill', {
      query: Q,
      member: 'customers.city',
      row: { 'customers.city': 'x' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('answers "Continue wait" for a slow query and the cached result on the retry', async () => {
    const slow = await buildApp({ engine, root: ROOT, now: NOW, continueWaitMs: 1 });
    const q = {
      query: { measures: ['web_events.visitors', 'orders.customer_count'], dimensions: ['dates.day_name'] },
    };
    const first = await slow.inject({ method: 'POST', url: '/cubejs-api/v1/load', payload: q });
    expect(first.json()).toMatchObject({ error: 'Continue wait' });
    let answer = first.json();
    for (let i = 0; i < 100 && answer.error; i++) {
      await new Promise((r) => setTimeout(r, 50));
      answer = (await slow.inject({ method: 'POST', url: '/cubejs-api/v1/load', payload: q })).json();
    }
    expect(answer.data).toHaveLength(7);
    await slow.close();
  });

  it('serves the OpenAPI document and the docs page locally', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/v1/query'].post).toBeDefined();
    expect(doc.components.schemas.Query.properties.measures.type).toBe('array');
    // Every API route the app serves is documented (fastify's route table against the paths).
    const documented = new Set(
      Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replaceAll(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const served = app.routeTable.filter(
      (r) => / \/(v1|cubejs-api)\//.test(r) && !r.startsWith('HEAD') && !r.startsWith('OPTIONS'),
    );
    expect(served.length).toBeGreaterThan(20);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
  });
});
