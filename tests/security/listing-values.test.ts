import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { Role } from '../../src/model/access/types';
import { buildApp } from '../../src/server/app';
import { addUser } from '../../src/server/auth/users';
import { DEMO_NOW, loadDemo, ROOT } from '../helpers/demo';

const SECRET = 'listing-test-secret-0123456789-abcdefghij';

/**
 * Executives may list the values of dashboard-filter dimensions only (GET /v1/meta/values):
 * report parameters whose values become output follow the same rule. And smaller holes of the
 * same kind: a pivot naming a member outside the query on the SQL routes, a JWT claim that
 * names an attribute in another case.
 */
describe('what a user may list, on every route', () => {
  let engine: Engine;
  let app: FastifyInstance;
  const keys = new Map<string, string>();

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    const users: [string, Role][] = [
      ['eve', 'executive'],
      ['ana', 'analyst'],
    ];
    for (const [name, role] of users)
      keys.set(name, (await addUser(engine, { name, role, attributes: {} })).key);
    app = await buildApp({
      engine,
      root: ROOT,
      now: () => DEMO_NOW,
      jwtSecret: SECRET,
      limits: { rateLimitPerMinute: 0 },
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  const report = (user: string, name: string, body: unknown, accept?: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/reports/${name}`,
      headers: { authorization: `Bearer ${keys.get(user)}`, ...(accept ? { accept } : {}) },
      payload: body as object,
    });

  it('the values route refuses executives a dimension no dashboard filters on', async () => {
    const r = await app.inject({
      method: 'GET',
      url: '/v1/meta/values?member=customers.name',
      headers: { authorization: `Bearer ${keys.get('eve')}` },
    });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ code: 'FORBIDDEN', details: { member: 'customers.name' } });
  });

  it.each([
    ['forecast', { breakdown: 'customers.name' }, 'customers.name'],
    [
      'forecast',
      { breakdown: 'interactions.subject', measure: 'interactions.count' },
      'interactions.subject',
    ],
    ['funnel', { steps: ['visit', 'purchase'], breakdown: 'source' }, 'web_events.source'],
    ['funnel', { steps: ['visit', 'purchase'], breakdown: 'web_events.device' }, 'web_events.device'],
    ['rfm', {}, 'customers.customer_id'],
    ['rfm', { limit: 5 }, 'customers.customer_id'],
    ['segments', {}, 'customers.customer_id'],
  ])('an executive may not list through %s %j', async (name, body, member) => {
    const r = await report('eve', name, body);
    expect(r.statusCode, r.body.slice(0, 300)).toBe(403);
    expect(r.json()).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining(
        `role executive may list the values of dashboard filters only, not ${member}`,
      ),
      details: { role: 'executive', member },
    });
  });

  it('nor stream per-customer rows as CSV, even with limit 0', async () => {
    const r = await report('eve', 'rfm', { limit: 0 }, 'text/csv');
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ code: 'FORBIDDEN', details: { member: 'customers.customer_id' } });
  });

  it('a breakdown by a dashboard filter, and reports without customer rows, are the executive’s', async () => {
    const byRegion = await report('eve', 'forecast', { breakdown: 'customers.region', horizon: 3 });
    expect(byRegion.statusCode, byRegion.body.slice(0, 300)).toBe(200);
    const series = (byRegion.json() as { series: { key: Record<string, unknown> | string }[] }).series;
    expect(series.length).toBeGreaterThan(1);
    const rfm = await report('eve', 'rfm', { limit: 0 });
    expect(rfm.statusCode).toBe(200);
    expect((rfm.json() as { customers: unknown[] }).customers).toEqual([]);
    expect((await report('eve', 'cohort', {})).statusCode).toBe(200);
  });

  it('users who may query may break down by any dimension', async () => {
    const r = await report('ana', 'forecast', { breakdown: 'customers.name', max_series: 2, horizon: 2 });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  });

  it('a pivot naming a member outside the query is refused on the SQL and dry-run routes as on /v1/query', async () => {
    const query = {
      measures: ['orders.count'],
      dimensions: ['customers.region'],
      pivot: { rows: ['customers.email'], columns: ['customers.region'] },
    };
    const headers = { authorization: `Bearer ${keys.get('ana')}` };
    const load = await app.inject({ method: 'POST', url: '/v1/query', headers, payload: { query } });
    expect(load.statusCode).toBe(400);
    for (const url of ['/v1/sql', '/cubejs-api/v1/sql', '/cubejs-api/v1/dry-run']) {
      const r = await app.inject({ method: 'POST', url, headers, payload: { query } });
      expect(r.statusCode, url).toBe(400);
      expect(r.json(), url).toMatchObject({ code: load.json().code, message: load.json().message });
      const get = await app.inject({
        method: 'GET',
        url: `${url}?query=${encodeURIComponent(JSON.stringify(query))}`,
        headers,
      });
      expect(get.statusCode, url).toBe(400);
    }
    const placed = { ...query, pivot: { rows: ['customers.region'], columns: [] } };
    expect(
      (await app.inject({ method: 'POST', url: '/v1/sql', headers, payload: { query: placed } })).statusCode,
    ).toBe(200);
  });

  const token = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
  const load = async (claims: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/cubejs-api/v1/load',
      headers: { authorization: await token(claims) },
      payload: { query: { measures: ['orders.count'], dimensions: ['customers.region'] } },
    });

  it.each([
    [
      { role: 'analyst', Region: 'Western Europe' },
      'Region',
      'claim "Region" differs only by case from "region"',
    ],
    [
      { role: 'analyst', u: { REGION: 'Western Europe' } },
      'REGION',
      'claim "REGION" differs only by case from "region"',
    ],
    [{ role: 'analyst', Employee_Id: 'E1' }, 'Employee_Id', 'differs only by case from "employee_id"'],
    [{ role: 'analyst', Role: 'admin' }, 'Role', 'claim "Role" differs only by case from "role"'],
    [{ role: 'analyst', team: 'a', TEAM: 'b' }, 'TEAM', 'claims "team" and "TEAM" differ only by case'],
  ])(
    'a JWT claim %j that names an attribute in another case is 401 naming it',
    async (claims, claim, message) => {
      const r = await load(claims);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: expect.stringContaining(message),
        details: { claim },
      });
    },
  );

  it('the attribute in its own case keeps the rule', async () => {
    const r = await load({ role: 'analyst', region: 'Western Europe' });
    expect(r.statusCode).toBe(200);
    const regions = (r.json() as { data: Record<string, unknown>[] }).data.map(
      (row) => row['customers.region'],
    );
    expect(regions).toEqual(['Western Europe']);
  });
});
