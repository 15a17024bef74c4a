import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { Role } from '../../src/model/access/types';
import { buildApp } from '../../src/server/app';
import { PERMISSIONS, permissionOf } from '../../src/server/auth/permissions';
import { addUser, revokeUser } from '../../src/server/auth/users';
import { loadDemo, ROOT } from '../helpers/demo';
import { memoryWarehouse } from '../helpers/warehouse';

const NOW = () => new Date('2026-07-01T00:00:00Z');
const SECRET = 'http-test-secret-0123456789-abcdefghij';
const Q = { measures: ['orders.count'], dimensions: ['customers.type'] };

describe('access control over HTTP', () => {
  let engine: Engine;
  let app: FastifyInstance;
  const keys = new Map<string, string>();
  let manager: string;

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    const [top] = (
      await engine.query(
        'SELECT e.employee_id FROM fact_deal_stages d JOIN dim_employee e USING (employee_key) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1',
      )
    ).rows;
    manager = String(top!['employee_id']);
    const users: [string, Role, Record<string, string>][] = [
      ['ada', 'admin', {}],
      ['ana', 'analyst', {}],
      ['mia', 'marketer', {}],
      ['eve', 'executive', {}],
      ['max', 'analyst', { employee_id: manager }],
      ['old', 'admin', {}],
    ];
    for (const [name, role, attributes] of users)
      keys.set(name, (await addUser(engine, { name, role, attributes })).key);
    await revokeUser(engine, 'old');
    app = await buildApp({ engine, root: ROOT, now: NOW, jwtSecret: SECRET });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  const as = (user: string | undefined, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: user ? { authorization: `Bearer ${keys.get(user) ?? user}` } : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it('every route of the app is in the permission table, and the table names no route the app lacks', () => {
    const missing = app.routeTable.filter((r) => {
      const [method, url] = r.split(' ');
      return permissionOf(method!, url!) === undefined;
    });
    expect(missing).toEqual([]);
    const stale = Object.keys(PERMISSIONS).filter((k) => !app.routeTable.includes(k));
    expect(stale).toEqual([]);
  });

  it('without credentials: public routes answer, API routes are 401 with a code', async () => {
    expect((await as(undefined, 'GET', '/health')).statusCode).toBe(200);
    expect((await as(undefined, 'GET', '/')).statusCode).toBe(200);
    const r = await as(undefined, 'POST', '/v1/query', { query: Q });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'this route needs an API key: send Authorization: Bearer <key>',
    });
  });

  it('answers to a user are marked private, so no shared cache hands them to another', async () => {
    const r = await as('mia', 'GET', '/v1/meta');
    expect(r.headers['cache-control']).toBe('private, no-store');
    expect(r.headers['vary']).toMatch(/authorization/i);
  });

  it('a revoked, unknown or malformed key is 401', async () => {
    for (const key of [keys.get('old')!, `${keys.get('ada')!.slice(0, -1)}x`, 'rk_nonsense', "' OR 1=1 --"]) {
      const r = await app.inject({
        method: 'GET',
        url: '/v1/meta',
        headers: { authorization: `Bearer ${key}` },
      });
      expect(r.statusCode, key).toBe(401);
      expect(r.json().code).toBe('UNAUTHENTICATED');
    }
  });

  it('each role reaches what the table grants and gets 403 with a code elsewhere', async () => {
    const cases: [string, 'GET' | 'POST', string, unknown, number][] = [
      ['eve', 'POST', '/v1/query', { query: Q }, 403],
      ['eve', 'GET', '/v1/dashboards', undefined, 200],
      // Without its customer rows: those list customer ids, which executives may not list.
      ['eve', 'POST', '/v1/reports/rfm', { limit: 0 }, 200],
      ['eve', 'GET', '/v1/customers?search=a', undefined, 403],
      ['mia', 'POST', '/v1/query', { query: Q }, 200],
      ['mia', 'POST', '/v1/sql', { query: Q }, 403],
      ['mia', 'GET', '/v1/segments', undefined, 200],
      ['ana', 'POST', '/v1/sql', { query: Q }, 200],
      ['ana', 'GET', '/v1/segments', undefined, 403],
      ['ana', 'GET', '/v1/etl/runs', undefined, 403],
      ['mia', 'POST', '/v1/etl/runs', {}, 403],
      ['ana', 'POST', '/v1/etl/jobs/demo-orders/run', {}, 403],
      ['ada', 'GET', '/v1/etl/runs', undefined, 200],
      ['ada', 'POST', '/v1/sql', { query: Q }, 200],
    ];
    for (const [user, method, url, payload, status] of cases) {
      const r = await as(user, method, url, payload);
      expect(r.statusCode, `${user} ${method} ${url}: ${r.body.slice(0, 200)}`).toBe(status);
      if (status === 403) {
        // details.route is the route's pattern, e.g. POST /v1/etl/jobs/:name/run.
        const pattern = app.routeTable.find((t) => {
          const [m, u] = t.split(' ');
          return m === method && new RegExp(`^${u!.replace(/:[a-z]+/g, '[^/]+')}$`).test(url.split('?')[0]!);
        });
        expect(r.json()).toMatchObject({ code: 'FORBIDDEN', details: { route: pattern } });
      }
    }
  });

  it('hides customer e-mail and phone from analysts and executives, in meta and in queries (403, never 500)', async () => {
    const dims = async (user: string) =>
      ((await as(user, 'GET', '/v1/meta')).json().cubes as { name: string; dimensions: { name: string }[] }[])
        .find((c) => c.name === 'customers')!
        .dimensions.map((d) => d.name);
    expect(await dims('mia')).toEqual(expect.arrayContaining(['customers.email', 'customers.phone']));
    expect(await dims('ana')).not.toContain('customers.email');
    expect(await dims('eve')).not.toContain('customers.phone');
    const queries = [
      { dimensions: ['customers.email'] },
      { measures: ['orders.count'], filters: [{ member: 'customers.phone', operator: 'set' }] },
      {
        measures: ['orders.count'],
        filters: [{ and: [{ member: 'customers.email', operator: 'contains', values: ['x'] }] }],
      },
    ];
    for (const q of queries) {
      const r = await as('ana', 'POST', '/v1/query', { query: q });
      expect(r.statusCode, JSON.stringify(q)).toBe(403);
      expect(r.json().code).toBe('MEMBER_FORBIDDEN');
      expect((await as('mia', 'POST', '/v1/query', { query: q })).statusCode).toBe(200);
    }
    const cube = await app.inject({
      method: 'POST',
      url: '/cubejs-api/v1/load',
      headers: { authorization: keys.get('ana')! },
      payload: { query: { dimensions: ['customers.email'] } },
    });
    expect(cube.statusCode).toBe(403);
    expect(cube.json()).toMatchObject({ code: 'MEMBER_FORBIDDEN', type: 'UserError' });
    // Customer 360 still opens for an analyst, without the contact fields.
    const id = (await as('ana', 'GET', '/v1/customers?search=a')).json().data[0].customer_id;
    const profile = (await as('ana', 'GET', `/v1/customers/${id}`)).json();
    expect(JSON.stringify(profile)).not.toMatch(/@[a-z-]+\.example/);
  });

  it('a manager sees only their own deals and interactions', async () => {
    const count = async (measure: string) =>
      Number(
        (await as('max', 'POST', '/v1/query', { query: { measures: [measure] } })).json().data[0][measure],
      );
    const truth = async (table: string) =>
      Number(
        (
          await engine.query({
            text: `SELECT count(*) AS n FROM ${table} f JOIN dim_employee e USING (employee_key) WHERE e.employee_id = $1`,
            params: [manager],
          })
        ).rows[0]!['n'],
      );
    const all = async (table: string) =>
      Number((await engine.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]!['n']);
    expect(await count('deals.count')).toBe(await truth('fact_deal_stages'));
    expect(await count('interactions.count')).toBe(await truth('fact_interactions'));
    expect(await truth('fact_deal_stages')).toBeLessThan(await all('fact_deal_stages'));
    // Orders carry no manager rule: the manager's order count is everyone's.
    expect(await count('orders.count')).toBe(await all('fact_order_lines'));
  });

  it('executives list the values of dashboard filters only; roles that query list any dimension', async () => {
    const values = (user: string, member: string) => as(user, 'GET', `/v1/meta/values?member=${member}`);
    const names = await values('eve', 'customers.name');
    expect([names.statusCode, names.json().code, names.json().details]).toEqual([
      403,
      'FORBIDDEN',
      { role: 'executive', member: 'customers.name' },
    ]);
    expect((await values('eve', 'interactions.subject')).statusCode).toBe(403);
    // customers.region is a filter of the contacts dashboard.
    const regions = await values('eve', 'customers.region');
    expect(regions.statusCode).toBe(200);
    const [distinct] = (
      await engine.query('SELECT count(DISTINCT region) AS n FROM dim_customer WHERE region IS NOT NULL')
    ).rows;
    expect(regions.json().values).toHaveLength(Number(distinct!['n']));
    expect((await values('ana', 'customers.name')).statusCode).toBe(200);
    expect((await values('mia', 'customers.name')).statusCode).toBe(200);
  });

  it('the Cube routes accept an HS256 JWT whose claims restrict rows; other routes do not', async () => {
    const token = await new SignJWT({ u: { role: 'analyst', region: 'North America' } })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const r = await app.inject({
      method: 'POST',
      url: '/cubejs-api/v1/load',
      headers: { authorization: token },
      payload: { query: { measures: ['orders.count'], dimensions: ['customers.region'] } },
    });
    expect(r.statusCode).toBe(200);
    const [row] = r.json().data;
    const [expected] = (
      await engine.query(
        "SELECT count(*) AS n FROM fact_order_lines f JOIN dim_customer c USING (customer_key) WHERE c.region = 'North America'",
      )
    ).rows;
    expect(r.json().data).toHaveLength(1);
    expect(row['customers.region']).toBe('North America');
    expect(Number(row['orders.count'])).toBe(Number(expected!['n']));
    const v1 = await app.inject({
      method: 'GET',
      url: '/v1/meta',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(v1.statusCode).toBe(401);

    // A region given as a list is refused with a code, not dropped (which would show every region).
    const listed = await new SignJWT({ role: 'analyst', region: ['North America'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const refused = await app.inject({
      method: 'POST',
      url: '/cubejs-api/v1/load',
      headers: { authorization: listed },
      payload: { query: { measures: ['orders.count'] } },
    });
    expect([refused.statusCode, refused.json().code, refused.json().details]).toEqual([
      401,
      'UNAUTHENTICATED',
      { claim: 'region' },
    ]);
  });

  it('admins manage users over HTTP: a new key works at once, a revoked one stops at once', async () => {
    const created = await as('ada', 'POST', '/v1/users', {
      name: 'kim',
      role: 'executive',
      attributes: { region: 'North America' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { key, keyId } = created.json();
    keys.set('kim', key);
    expect((await as('kim', 'GET', '/v1/dashboards')).statusCode).toBe(200);
    const listed = (await as('ada', 'GET', '/v1/users')).json().data as { name: string; keyId: string }[];
    expect(listed.find((u) => u.name === 'kim')?.keyId).toBe(keyId);
    expect(JSON.stringify(listed)).not.toContain(key);
    expect((await as('ana', 'GET', '/v1/users')).statusCode).toBe(403);
    expect((await as('ana', 'POST', '/v1/users', { name: 'x', role: 'admin' })).statusCode).toBe(403);
    const bad = await as('ada', 'POST', '/v1/users', { name: 'x', role: 'root' });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'VALIDATION_FAILED']);
    const revoked = await as('ada', 'DELETE', '/v1/users/kim');
    expect(revoked.json()).toEqual({ revoked: 1 });
    // The key was remembered after its first use; revocation forgets it.
    expect((await as('kim', 'GET', '/v1/dashboards')).statusCode).toBe(401);
    expect((await as('ada', 'DELETE', '/v1/users/kim')).statusCode).toBe(404);
  });

  it('writes the audit log: who, route, query, rows, status', async () => {
    const marker = { measures: ['orders.count'], dimensions: ['customers.industry'] };
    const ok = await as('mia', 'POST', '/v1/query', { query: marker });
    await as('eve', 'POST', '/v1/query', { query: marker });
    // Streamed exports: the log counts the rows the stream wrote.
    const exported = (dimension: string, accept: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/query',
        headers: { authorization: `Bearer ${keys.get('mia')}`, accept },
        payload: { query: { measures: ['orders.count'], dimensions: [dimension] } },
      });
    const csv = await exported('customers.country', 'text/csv');
    const csvLines = csv.body.trim().split('\n').length - 1;
    const arrow = await exported('customers.city', 'application/vnd.apache.arrow.stream');
    const arrowRows = tableFromIPC(arrow.rawPayload).numRows;
    expect([csv.statusCode, arrow.statusCode]).toEqual([200, 200]);
    expect(csvLines).toBeGreaterThan(1);
    // The log is written in the background; closing the app flushes it.
    await app.close();
    const rows = (
      await engine.query(
        "SELECT user_name, role, method, route, status, rows, query FROM rapport_audit WHERE route = '/v1/query' AND (query LIKE '%customers.industry%' OR user_name = 'eve') ORDER BY logged_at",
      )
    ).rows;
    // A refused request is logged with its user; its body was never read.
    expect(rows.map((r) => [r['user_name'], r['role'], r['method'], r['status']])).toEqual([
      ['eve', 'executive', 'POST', 403],
      ['mia', 'marketer', 'POST', 200],
      ['eve', 'executive', 'POST', 403],
    ]);
    expect(rows[0]!['rows']).toBeNull();
    expect(Number(rows[1]!['rows'])).toBe(ok.json().data.length);
    expect(JSON.parse(String(rows[1]!['query']))).toEqual({ query: marker });
    const streamed = (
      await engine.query(
        "SELECT query, rows FROM rapport_audit WHERE user_name = 'mia' AND (query LIKE '%customers.country%' OR query LIKE '%customers.city%') ORDER BY logged_at",
      )
    ).rows.map((r) => Number(r['rows']));
    expect(streamed).toEqual([csvLines, arrowRows]);
    app = await buildApp({ engine, root: ROOT, now: NOW, jwtSecret: SECRET });
  });
});

describe('local mode', () => {
  it('without keys every request is the local admin and nothing is audited', async () => {
    const engine = await memoryWarehouse();
    const app = await buildApp({ engine, root: ROOT, now: NOW });
    try {
      expect(app.localMode).toBe(true);
      const r = await app.inject({ method: 'GET', url: '/v1/etl/runs' });
      expect(r.statusCode).toBe(200);
      // DNS rebinding: a page's own domain pointed at 127.0.0.1 reaches the server with its Host.
      const withHost = (host: string) => app.inject({ method: 'GET', url: '/v1/users', headers: { host } });
      const rebound = await withHost('evil.example');
      expect([rebound.statusCode, rebound.json().code, rebound.json().details]).toEqual([
        403,
        'FORBIDDEN',
        { host: 'evil.example' },
      ]);
      expect((await withHost('evil.example:3000')).statusCode).toBe(403);
      expect((await withHost('localhost.evil.example')).statusCode).toBe(403);
      for (const host of ['localhost:3000', '127.0.0.1:8080', '[::1]:3000', 'localhost'])
        expect((await withHost(host)).statusCode, host).toBe(200);
      await app.close();
      expect((await engine.query('SELECT count(*) AS n FROM rapport_audit')).rows[0]!['n']).toBe(0);
    } finally {
      await engine.close();
    }
  });
});

describe('an old warehouse without the users table', () => {
  it('opens in local mode instead of failing', async () => {
    const engine = await memoryWarehouse();
    try {
      await engine.exec('DROP TABLE rapport_users');
      const app = await buildApp({ engine, root: ROOT, now: NOW });
      expect(app.localMode).toBe(true);
      expect((await app.inject({ method: 'GET', url: '/v1/meta' })).statusCode).toBe(200);
      await app.close();
    } finally {
      await engine.close();
    }
  });
});
