import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { ensureWarehouse } from '../../src/etl';
import type { Role } from '../../src/model/access/types';
import { buildApp } from '../../src/server/app';
import { addUser } from '../../src/server/auth/users';
import { DEMO_NOW, loadDemo, ROOT } from '../helpers/demo';

const REGION = 'Northern Europe';
const BY_TYPE = {
  measures: ['orders.count'],
  dimensions: ['customers.type'],
  order: { 'customers.type': 'asc' },
};

describe('saved questions and alerts over HTTP', () => {
  let engine: Engine;
  let app: FastifyInstance;
  const keys = new Map<string, string>();

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    await ensureWarehouse(engine);
    const users: [string, Role, Record<string, string>][] = [
      ['ada', 'admin', {}],
      ['ana', 'analyst', {}],
      ['mia', 'marketer', {}],
      ['eve', 'executive', {}],
      ['nordic', 'analyst', { region: REGION }],
    ];
    for (const [name, role, attributes] of users)
      keys.set(name, (await addUser(engine, { name, role, attributes })).key);
    app = await buildApp({ engine, root: ROOT, now: () => DEMO_NOW });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  const as = (user: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${keys.get(user)}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  /** orders.count by customer type, straight from the fact table (optionally one region's rows). */
  async function truthByType(region?: string): Promise<Record<string, number>> {
    const r = await engine.query({
      // LEFT JOIN: order lines whose customer is unknown count under a null type, as in the cube.
      text: `SELECT c.type, count(*) AS n FROM fact_order_lines f LEFT JOIN dim_customer c USING (customer_key)
             ${region ? 'WHERE c.region = $1' : ''} GROUP BY 1`,
      params: region ? [region] : [],
    });
    return Object.fromEntries(r.rows.map((row) => [String(row['type']), Number(row['n'])]));
  }
  const byType = (rows: Record<string, unknown>[]) =>
    Object.fromEntries(rows.map((row) => [String(row['customers.type']), Number(row['orders.count'])]));

  it('creates, reads, searches, edits, duplicates and deletes, recording who did it', async () => {
    const created = await as('ana', 'POST', '/v1/questions', {
      name: 'Orders by customer type',
      description: 'Weekly look at B2B against B2C',
      query: BY_TYPE,
      chart: { measure: 'orders.count' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const q = created.json();
    expect(q).toMatchObject({
      name: 'Orders by customer type',
      createdBy: 'ana',
      updatedBy: 'ana',
      query: BY_TYPE,
      chart: { measure: 'orders.count' },
      createdAt: DEMO_NOW.toISOString(),
    });
    expect(q.id).toMatch(/^q_[0-9a-f]{12}$/);
    await as('mia', 'POST', '/v1/questions', { name: 'Revenue', query: { measures: ['orders.revenue'] } });

    expect((await as('eve', 'GET', `/v1/questions/${q.id}`)).json().name).toBe('Orders by customer type');
    const names = async (search?: string) =>
      (
        (await as('eve', 'GET', `/v1/questions${search ? `?search=${search}` : ''}`)).json().data as {
          name: string;
        }[]
      ).map((x) => x.name);
    expect(await names()).toEqual(['Orders by customer type', 'Revenue']);
    expect(await names('REVEN')).toEqual(['Revenue']);
    expect(await names('b2c')).toEqual(['Orders by customer type']); // found by its description
    expect(await names('nothing-like-this')).toEqual([]);

    const edited = await as('ana', 'PUT', `/v1/questions/${q.id}`, { name: 'Orders by type' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({
      name: 'Orders by type',
      description: q.description,
      query: BY_TYPE,
    });

    const copy = await as('mia', 'POST', `/v1/questions/${q.id}/duplicate`, {});
    expect(copy.statusCode).toBe(201);
    expect(copy.json()).toMatchObject({ name: 'Orders by type (copy)', createdBy: 'mia', query: BY_TYPE });
    expect(copy.json().id).not.toBe(q.id);

    // Only the owner or an admin changes or deletes.
    expect((await as('mia', 'PUT', `/v1/questions/${q.id}`, { name: 'Mine now' })).statusCode).toBe(403);
    expect((await as('mia', 'DELETE', `/v1/questions/${q.id}`)).statusCode).toBe(403);
    expect(
      (await as('ada', 'PUT', `/v1/questions/${copy.json().id}`, { name: 'Fixed by admin' })).json(),
    ).toMatchObject({ name: 'Fixed by admin', createdBy: 'mia', updatedBy: 'ada' });
    expect((await as('ana', 'DELETE', `/v1/questions/${q.id}`)).statusCode).toBe(204);
    const gone = await as('ana', 'GET', `/v1/questions/${q.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('NOT_FOUND');
  });

  it('refuses a broken question at save time with a 4xx saying what is wrong', async () => {
    const unknown = await as('ana', 'POST', '/v1/questions', {
      name: 'x',
      query: { measures: ['orders.nope'] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('orders.nope');
    const noName = await as('ana', 'POST', '/v1/questions', { name: ' ', query: BY_TYPE });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().message).toContain('name');
    // A member the analyst may not see is refused as /v1/query refuses it.
    const hidden = await as('ana', 'POST', '/v1/questions', {
      name: 'x',
      query: { dimensions: ['customers.email'] },
    });
    expect(hidden.statusCode).toBe(403);
    expect(hidden.json().code).toBe('MEMBER_FORBIDDEN');
  });

  it('executives list and run questions but make none', async () => {
    expect((await as('eve', 'POST', '/v1/questions', { name: 'x', query: BY_TYPE })).statusCode).toBe(403);
    const q = (await as('ana', 'POST', '/v1/questions', { name: 'For the board', query: BY_TYPE })).json();
    expect((await as('eve', 'POST', `/v1/questions/${q.id}/duplicate`, {})).statusCode).toBe(403);
    expect((await as('eve', 'DELETE', `/v1/questions/${q.id}`)).statusCode).toBe(403);
    const run = await as('eve', 'POST', `/v1/questions/${q.id}/run`);
    expect(run.statusCode, run.body).toBe(200);
    expect(byType(run.json().data)).toEqual(await truthByType());
  });

  it("runs a question under the runner's row rules, whoever saved it", async () => {
    const q = (
      await as('ana', 'POST', '/v1/questions', { name: 'All orders by type', query: BY_TYPE })
    ).json();
    const all = await truthByType();
    const nordic = await truthByType(REGION);
    // The restriction is not vacuous: the region holds fewer orders of some type.
    expect(Object.keys(all).some((t) => (nordic[t] ?? 0) < all[t]!)).toBe(true);
    const mine = await as('ana', 'POST', `/v1/questions/${q.id}/run`);
    expect(byType(mine.json().data)).toEqual(all);
    const theirs = await as('nordic', 'POST', `/v1/questions/${q.id}/run`);
    expect(theirs.statusCode, theirs.body).toBe(200);
    expect(byType(theirs.json().data)).toEqual(nordic);
  });

  it('an alert fires once per crossing, keeps its history, and runs as its owner', async () => {
    const total = Number(
      (
        await engine.query({
          text: 'SELECT count(*) AS n FROM fact_order_lines f JOIN dim_customer c USING (customer_key) WHERE c.region = $1',
          params: [REGION],
        })
      ).rows[0]!['n'],
    );
    const q = (
      await as('nordic', 'POST', '/v1/questions', {
        name: 'Nordic orders',
        query: { measures: ['orders.count'] },
      })
    ).json();
    // Crossed for the owner's rows (the region) only: the whole company has more orders.
    const above = await as('nordic', 'POST', '/v1/alerts', {
      name: 'Orders above',
      question: q.id,
      condition: 'above',
      threshold: total - 1,
    });
    expect(above.statusCode, above.body).toBe(201);
    const below = (
      await as('nordic', 'POST', '/v1/alerts', {
        name: 'Orders below',
        question: q.id,
        condition: 'below',
        threshold: total,
      })
    ).json();
    const aboveId = above.json().id;
    // Whoever asks for the check, it runs as the alert's owner.
    const first = await as('ana', 'POST', `/v1/alerts/${aboveId}/check`);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      value: total,
      crossed: true,
      fired: true,
      delivery: 'no destinations',
    });
    expect((await as('nordic', 'POST', `/v1/alerts/${aboveId}/check`)).json()).toMatchObject({
      value: total,
      crossed: true,
      fired: false,
    });
    expect((await as('nordic', 'POST', `/v1/alerts/${below.id}/check`)).json()).toMatchObject({
      value: total,
      crossed: false,
      fired: false,
    });
    const history = (await as('eve', 'GET', `/v1/alerts/${aboveId}/history`)).json().data as {
      fired: boolean;
    }[];
    expect(history.map((e) => e.fired)).toEqual([false, true]);
    const listed = (await as('eve', 'GET', '/v1/alerts')).json().data as { id: string; crossed: boolean }[];
    expect(listed.find((a) => a.id === aboveId)?.crossed).toBe(true);
    expect(listed.find((a) => a.id === below.id)?.crossed).toBe(false);
    expect((await as('mia', 'DELETE', `/v1/alerts/${below.id}`)).statusCode).toBe(403);
    expect((await as('nordic', 'DELETE', `/v1/alerts/${below.id}`)).statusCode).toBe(204);
  });

  it('change_pct compares the last complete period with the one before', async () => {
    // The month holding DEMO_NOW is still running: the last complete one is the month before.
    const r = await engine.query({
      text: `SELECT date_trunc('month', ordered_at)::DATE::VARCHAR AS m, count(*) AS n FROM fact_order_lines
             WHERE ordered_at < date_trunc('month', CAST($1 AS TIMESTAMP)) GROUP BY 1 ORDER BY 1 DESC LIMIT 2`,
      params: [DEMO_NOW.toISOString().slice(0, 10)],
    });
    const [last, before] = r.rows.map((row) => ({ month: String(row['m']), n: Number(row['n']) }));
    const pct = (Math.abs(last!.n - before!.n) / before!.n) * 100;
    const q = (
      await as('ana', 'POST', '/v1/questions', {
        name: 'Orders by month',
        query: {
          measures: ['orders.count'],
          timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'month' }],
        },
      })
    ).json();
    const alert = async (threshold: number) =>
      (
        await as('ana', 'POST', '/v1/alerts', {
          name: `change ${threshold}`,
          question: q.id,
          condition: 'change_pct',
          threshold,
        })
      ).json().id as string;
    const under = await as('ana', 'POST', `/v1/alerts/${await alert(pct * 0.9)}/check`);
    expect(under.json()).toMatchObject({
      period: last!.month,
      value: last!.n,
      reference: before!.n,
      crossed: true,
      fired: true,
    });
    const over = await as('ana', 'POST', `/v1/alerts/${await alert(pct * 1.1)}/check`);
    expect(over.json()).toMatchObject({ period: last!.month, value: last!.n, crossed: false, fired: false });
    // A condition that needs periods is refused on a question without them.
    const flat = (
      await as('ana', 'POST', '/v1/questions', { name: 'flat', query: { measures: ['orders.count'] } })
    ).json();
    const refused = await as('ana', 'POST', '/v1/alerts', {
      name: 'x',
      question: flat.id,
      condition: 'change_pct',
      threshold: 5,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toContain('time dimension');
  });
  it('a firing is posted to a webhook receiver on loopback, with the value and the data as of', async () => {
    const received: Record<string, unknown>[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const port = (receiver.address() as { port: number }).port;
      const total = Number((await engine.query('SELECT count(*) AS n FROM fact_order_lines')).rows[0]!['n']);
      const q = (
        await as('ana', 'POST', '/v1/questions', {
          name: 'All order lines',
          query: { measures: ['orders.count'] },
        })
      ).json();
      const created = await as('ana', 'POST', '/v1/alerts', {
        name: 'Lines below a billion',
        question: q.id,
        condition: 'below',
        threshold: 1e9,
        destinations: [{ kind: 'webhook', url: `http://127.0.0.1:${port}/hook`, format: 'json' }],
      });
      expect(created.statusCode, created.body).toBe(201);
      const check = (await as('ana', 'POST', `/v1/alerts/${created.json().id}/check`)).json();
      expect(check).toMatchObject({ value: total, fired: true });
      expect(check.delivery).toMatch(/^webhook\(json\) http:\/\/127\.0\.0\.1:\d+\/hook: sent$/);
      expect(received.length).toBe(1);
      expect(received[0]).toMatchObject({
        subject: 'Alert: Lines below a billion',
        data: { value: total, fired: true },
      });
      expect(String(received[0]!['text'])).toContain(`orders.count is ${total}`);
      expect(received[0]!['data_as_of']).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      // Still crossed on the next check: nothing more is posted.
      await as('ana', 'POST', `/v1/alerts/${created.json().id}/check`);
      expect(received.length).toBe(1);
      // A malformed destination is refused when the alert is saved.
      const bad = await as('ana', 'POST', '/v1/alerts', {
        name: 'x',
        question: q.id,
        condition: 'below',
        threshold: 1,
        destinations: [{ kind: 'webhook', url: 'ftp://example.org' }],
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain('destinations.0');
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
