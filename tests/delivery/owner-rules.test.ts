import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { Role } from '../../src/model/access/types';
import { buildApp } from '../../src/server/app';
import { addUser } from '../../src/server/auth/users';
import { DEMO_NOW, loadDemo, ROOT } from '../helpers/demo';

/**
 * A subscription delivers what its owner may see: a row-restricted user's subscription to a
 * dashboard saved in the browser, and to a saved question, posts only their region's rows, and
 * the CSV kept in the deliveries log says the same. No Chromium: images are left out (the
 * renderer is pointed at a path that does not exist), which keeps this fast.
 */
const REGION = 'Northern Europe';
const BY_TYPE = {
  measures: ['orders.count'],
  dimensions: ['customers.type'],
  order: { 'customers.type': 'asc' },
};

async function webhookReceiver(): Promise<{
  url: string;
  bodies: Record<string, unknown>[];
  server: Server;
}> {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      bodies.push(JSON.parse(text) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, server };
}

/** A CSV without quoted commas (these values have none) as records by header. */
function csvRecords(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const names = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, v])));
}

describe("deliveries under the owner's row rules", () => {
  let engine: Engine;
  let app: FastifyInstance;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  const keys = new Map<string, string>();
  const chromium = process.env['RAPPORT_CHROMIUM'];

  beforeAll(async () => {
    process.env['RAPPORT_CHROMIUM'] = '/nonexistent/chromium';
    hook = await webhookReceiver();
    ({ engine } = await loadDemo());
    const users: [string, Role, Record<string, string>][] = [
      ['ada', 'admin', {}],
      ['nordic', 'analyst', { region: REGION }],
    ];
    for (const [name, role, attributes] of users)
      keys.set(name, (await addUser(engine, { name, role, attributes })).key);
    app = await buildApp({ engine, root: ROOT, now: () => DEMO_NOW });
  }, 60_000);
  afterAll(async () => {
    if (chromium === undefined) delete process.env['RAPPORT_CHROMIUM'];
    else process.env['RAPPORT_CHROMIUM'] = chromium;
    await app?.close();
    await engine?.close();
    hook?.server.close();
  });

  const as = (user: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${keys.get(user)}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  /** orders.count by customer type straight from the tables (optionally one region's rows). */
  async function truthByType(region?: string): Promise<Record<string, number>> {
    const r = await engine.query({
      // LEFT JOIN: order lines of unknown customers count under a null type, as in the cube.
      text: `SELECT c.type, count(*) AS n FROM fact_order_lines f LEFT JOIN dim_customer c USING (customer_key)
             WHERE $1::VARCHAR IS NULL OR c.region = $1 GROUP BY 1`,
      params: [region ?? null],
    });
    return Object.fromEntries(r.rows.map((row) => [String(row['type']), Number(row['n'])]));
  }
  const byType = (rows: readonly Record<string, unknown>[]) =>
    Object.fromEntries(rows.map((row) => [String(row['customers.type']), Number(row['orders.count'])]));

  /** Sends a subscription now and answers the JSON body the receiver got for it. */
  async function sendNow(user: string, subId: string): Promise<Record<string, unknown>> {
    const seen = hook.bodies.length;
    const sent = await as(user, 'POST', `/v1/subscriptions/${subId}/send`);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().deliveries.map((d: { status: string }) => d.status)).toEqual(['sent']);
    expect(hook.bodies.length).toBe(seen + 1);
    return hook.bodies.at(-1)!;
  }

  it('a saved dashboard and a saved question deliver only the owner’s rows; an admin’s, all of them', async () => {
    const nordic = await truthByType(REGION);
    const everyone = await truthByType();
    // The restriction is not vacuous: the region holds fewer orders of each type.
    for (const [type, n] of Object.entries(nordic)) expect(n, type).toBeLessThan(everyone[type]!);

    const dash = await as('nordic', 'POST', '/v1/dashboards', {
      title: 'Orders by type',
      tiles: [{ name: 'by_type', title: 'Orders by type', chart: 'table', query: BY_TYPE, width: 6 }],
    });
    expect(dash.statusCode, dash.body).toBe(201);
    const question = await as('nordic', 'POST', '/v1/questions', { name: 'Orders by type', query: BY_TYPE });
    expect(question.statusCode, question.body).toBe(201);
    const subscribe = async (user: string, target: object) => {
      const r = await as(user, 'POST', '/v1/subscriptions', {
        name: `${user} weekly`,
        target,
        cron: '0 8 * * 1',
        timezone: 'Europe/Oslo',
        destinations: [{ kind: 'webhook', url: hook.url, format: 'json' }],
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };

    // The dashboard saved in the browser is a target like a shipped one.
    const dashBody = await sendNow('nordic', await subscribe('nordic', { dashboard: dash.json().id }));
    const tile = (dashBody['data'] as { tiles: { name: string; rows: Record<string, unknown>[] }[] })
      .tiles[0]!;
    expect(tile.name).toBe('by_type');
    expect(byType(tile.rows)).toEqual(nordic);
    expect(String(dashBody['note'])).toContain('Chromium is not installed');

    const qSub = await subscribe('nordic', { question: question.json().id });
    const qBody = await sendNow('nordic', qSub);
    expect(byType((qBody['data'] as { rows: Record<string, unknown>[] }).rows)).toEqual(nordic);
    // The CSV the delivery keeps (what an e-mail attaches) holds the same rows.
    const log = await as('nordic', 'GET', `/v1/subscriptions/${qSub}/deliveries`);
    const delivery = (log.json().data as { delivery_id: string; status: string }[])[0]!;
    expect(delivery.status).toBe('sent');
    const csv = await as(
      'nordic',
      'GET',
      `/v1/deliveries/${delivery.delivery_id}/files/${question.json().id}.csv`,
    );
    expect(csv.statusCode, csv.body).toBe(200);
    expect(byType(csvRecords(csv.body))).toEqual(nordic);

    // The same dashboard subscribed to by an admin: every region's rows.
    const adminBody = await sendNow('ada', await subscribe('ada', { dashboard: dash.json().id }));
    const adminTile = (adminBody['data'] as { tiles: { rows: Record<string, unknown>[] }[] }).tiles[0]!;
    expect(byType(adminTile.rows)).toEqual(everyone);
  });
});
