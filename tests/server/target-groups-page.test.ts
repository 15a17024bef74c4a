import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryScheduler } from '../../src/delivery/scheduler';
import type { Engine } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { scheduleRefresh } from '../../src/server/routes/target-groups';
import { loadDemo, ROOT } from '../helpers/demo';
import { reportContext } from '../helpers/reports';

const NOW = new Date('2026-07-01T00:00:00Z');
const GERMANY = {
  name: 'Germany current',
  description: 'Customers whose current address is in Germany',
  definition: {
    source: 'query',
    query: {
      dimensions: ['customers.customer_id'],
      filters: [{ member: 'customers.country', operator: 'equals', values: ['Germany'] }],
      segments: ['customers.current'],
    },
  },
};

/** A webhook receiver on loopback: records each JSON body; `answer` decides the reply per request. */
async function receiver(
  answer: (n: number, res: ServerResponse) => void = (_n, res) => res.end('ok'),
): Promise<{ url: string; bodies: Record<string, unknown>[]; server: Server }> {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      answer(bodies.length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, bodies, server };
}

const close = (s: Server) =>
  new Promise<void>((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });

describe('target groups page routes', () => {
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
  const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, ...(payload ? { payload } : {}) });
  const memberIds = async (id: string): Promise<string[]> =>
    (
      await app.inject({
        method: 'GET',
        url: `/v1/segments/${id}/members`,
        headers: { accept: 'application/json' },
      })
    )
      .json()
      .data.map((m: { customer_id: string }) => m.customer_id);
  /** The demo's current German customers straight from the dimension table, not through the model. */
  const germansInTable = async () =>
    (
      await engine.query(
        "SELECT customer_id FROM dim_customer WHERE is_current AND country = 'Germany' ORDER BY customer_id",
      )
    ).rows.map((r) => String(r['customer_id']));

  it('records every snapshot with its count and the members added and removed', async () => {
    const saved = await inject('POST', '/v1/segments', GERMANY);
    expect(saved.statusCode).toBe(201);
    const before = await memberIds('germany-current');
    expect(before).toEqual(await germansInTable());
    expect(before.length).toBeGreaterThan(5);

    // Three Germans move to Austria and two others move to Germany.
    const leaving = before.slice(0, 3);
    const others = (
      await engine.query(
        "SELECT customer_id FROM dim_customer WHERE is_current AND country <> 'Germany' ORDER BY customer_id LIMIT 2",
      )
    ).rows.map((r) => String(r['customer_id']));
    await engine.exec(
      `UPDATE dim_customer SET country = 'Austria' WHERE is_current AND customer_id IN (${leaving.map((c) => `'${c}'`).join(',')})`,
    );
    await engine.exec(
      `UPDATE dim_customer SET country = 'Germany' WHERE is_current AND customer_id IN (${others.map((c) => `'${c}'`).join(',')})`,
    );
    expect((await inject('POST', '/v1/segments/germany-current/refresh', {})).statusCode).toBe(200);
    const after = await memberIds('germany-current');
    expect(after).toEqual(await germansInTable());
    expect((await inject('POST', '/v1/segments/germany-current/refresh', {})).statusCode).toBe(200);

    const added = after.filter((c) => !before.includes(c));
    const removed = before.filter((c) => !after.includes(c));
    expect(added.sort()).toEqual([...others].sort());
    expect(removed.sort()).toEqual([...leaving].sort());
    const history = await inject('GET', '/v1/segments/germany-current/history');
    expect(history.statusCode).toBe(200);
    expect(
      history.json().data.map((h: Record<string, unknown>) => ({ ...h, refreshed_at: undefined })),
    ).toEqual([
      {
        seq: 1,
        cause: 'save',
        member_count: before.length,
        added: before.length,
        removed: 0,
        refreshed_at: undefined,
      },
      {
        seq: 2,
        cause: 'refresh',
        member_count: after.length,
        added: added.length,
        removed: removed.length,
        refreshed_at: undefined,
      },
      { seq: 3, cause: 'refresh', member_count: after.length, added: 0, removed: 0, refreshed_at: undefined },
    ]);
    expect(history.json().data[0].refreshed_at).toMatch(/^2026-07-01/);
  });

  it('searches names and descriptions and describes each definition in words', async () => {
    await inject('POST', '/v1/segments', {
      name: 'Champions',
      description: 'Best RFM customers for the autumn mailing',
      definition: { source: 'rfm', segments: ['Champions'] },
    });
    const names = async (search: string) =>
      (await inject('GET', `/v1/segments?search=${encodeURIComponent(search)}`))
        .json()
        .data.map((s: { name: string }) => s.name);
    expect(await names('germ')).toEqual(['Germany current']);
    expect(await names('AUTUMN mailing')).toEqual(['Champions']);
    expect(await names('customers')).toEqual(['Champions', 'Germany current']);
    expect(await names('nobody here')).toEqual([]);
    const all = (await inject('GET', '/v1/segments')).json().data as Record<string, unknown>[];
    expect(all.find((s) => s['name'] === 'Champions')?.['definition_text']).toBe(
      'RFM report: segment Champions',
    );
    expect(all.find((s) => s['name'] === 'Germany current')?.['definition_text']).toBe(
      'Cube query: customers.customer_id; where customers.country equals Germany and segments customers.current',
    );
  });

  it('pushes every member to a webhook in pages, and records pushes that fail', async () => {
    const expected = await memberIds('germany-current');
    const pageSize = Math.ceil(expected.length / 3) - 1; // four pages, the last one shorter
    const hook = await receiver();
    try {
      const r = await inject('POST', '/v1/segments/germany-current/push', {
        url: hook.url,
        page_size: pageSize,
      });
      expect(r.statusCode).toBe(200);
      const pages = Math.ceil(expected.length / pageSize);
      expect(pages).toBe(4);
      expect(r.json()).toMatchObject({ status: 'sent', members: expected.length, pages, pages_sent: pages });
      expect(hook.bodies.map((b) => b['page'])).toEqual([1, 2, 3, 4]);
      for (const b of hook.bodies) {
        expect((b['members'] as unknown[]).length).toBeLessThanOrEqual(pageSize);
        expect(b).toMatchObject({ pages: 4, total: expected.length, segment: { id: 'germany-current' } });
      }
      const received = hook.bodies.flatMap((b) =>
        (b['members'] as { customer_id: string }[]).map((m) => m.customer_id),
      );
      expect(received).toEqual(expected);
      expect((hook.bodies[0]!['members'] as Record<string, unknown>[])[0]).toHaveProperty('email');
    } finally {
      await close(hook.server);
    }

    const refusing = await receiver((n, res) => {
      res.statusCode = n === 2 ? 500 : 200;
      res.end();
    });
    try {
      const r = await inject('POST', '/v1/segments/germany-current/push', {
        url: refusing.url,
        page_size: pageSize,
      });
      expect(r.statusCode).toBe(502);
      expect(r.json().code).toBe('WEBHOOK_FAILED');
      expect(r.json().message).toContain('HTTP 500 to page 2');
      expect(refusing.bodies).toHaveLength(2); // it stops at the first failure
    } finally {
      await close(refusing.server);
    }

    const silent = await receiver(() => undefined); // never answers
    try {
      const started = Date.now();
      const r = await inject('POST', '/v1/segments/germany-current/push', {
        url: silent.url,
        timeout_ms: 200,
      });
      expect(r.statusCode).toBe(502);
      expect(r.json().message).toContain('within 200 ms');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await close(silent.server);
    }

    const bad = await inject('POST', '/v1/segments/germany-current/push', { url: 'ftp://example.org/x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('url: the webhook URL must be http or https');

    const log = (await inject('GET', '/v1/segments/germany-current/pushes')).json().data as Record<
      string,
      unknown
    >[];
    expect(log.map((p) => [p['status'], p['pages_sent']]).sort()).toEqual(
      [
        ['failed', 0],
        ['failed', 1],
        ['sent', 4],
      ].sort(),
    );
  });

  it('stores a refresh schedule with its next run in the time zone, and refuses a bad one', async () => {
    const put = await inject('PUT', '/v1/segments/germany-current/schedule', {
      cron: '30 6 * * 1',
      timezone: 'Europe/Berlin',
    });
    expect(put.statusCode).toBe(200);
    const next = new Date(put.json().next_run);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(next);
    expect(berlin).toBe('Mon 06:30');
    const listed = (await inject('GET', '/v1/segments/germany-current')).json();
    expect(listed.schedule).toMatchObject({ cron: '30 6 * * 1', timezone: 'Europe/Berlin' });

    const bad = await inject('PUT', '/v1/segments/germany-current/schedule', { cron: '61 * * * *' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^cron: "61 \* \* \* \*" is not a cron expression/);
    const zone = await inject('PUT', '/v1/segments/germany-current/schedule', {
      cron: '0 6 * * *',
      timezone: 'Mars/Olympus',
    });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().message).toContain('timezone: "Mars/Olympus"');
    expect((await inject('DELETE', '/v1/segments/germany-current/schedule')).statusCode).toBe(204);
    expect((await inject('GET', '/v1/segments/germany-current/schedule')).statusCode).toBe(404);
  });

  it('refreshes on the delivery scheduler once per due time, as a schedule snapshot, not again after a restart', async () => {
    const schedule = { cron: '0 6 * * *', timezone: 'Europe/Berlin' };
    expect((await inject('PUT', '/v1/segments/germany-current/schedule', schedule)).statusCode).toBe(200);
    const history = async () =>
      (await inject('GET', '/v1/segments/germany-current/history')).json().data as Record<string, unknown>[];
    const before = await history();
    let t = new Date('2026-07-01T00:00:00Z');
    const deps = { context: () => reportContext(engine, NOW), afterRefresh: () => undefined };
    const first = new DeliveryScheduler({ engine, now: () => t });
    scheduleRefresh(first, deps, 'germany-current', schedule);

    // 06:00 in Berlin in July (CEST, UTC+2) is 04:00 UTC: at 03:59 nothing is due.
    t = new Date('2026-07-01T03:59:00Z');
    expect(await first.tick()).toEqual([]);
    t = new Date('2026-07-01T04:00:30Z');
    expect(await first.tick()).toEqual([
      { kind: 'target-group', id: 'germany-current', due: '2026-07-01T04:00:00.000Z', missed: 0 },
    ]);
    expect(await first.tick()).toEqual([]);
    // A restarted process finds the due time claimed and does not refresh again.
    const second = new DeliveryScheduler({ engine, now: () => t });
    scheduleRefresh(second, deps, 'germany-current', schedule);
    expect(await second.tick()).toEqual([]);

    const after = await history();
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatchObject({
      seq: before.length + 1,
      cause: 'schedule',
      member_count: (await germansInTable()).length,
      added: 0,
      removed: 0,
    });
    const noted = (await inject('GET', '/v1/segments/germany-current/schedule')).json();
    expect(noted.last_run_at).not.toBeNull();
    expect(noted.last_error).toBeNull();
  });

  it('deletes a segment with its history, schedule and pushes', async () => {
    await inject('PUT', '/v1/segments/germany-current/schedule', { cron: '0 6 * * *' });
    expect((await inject('DELETE', '/v1/segments/germany-current')).statusCode).toBe(204);
    expect((await inject('GET', '/v1/segments/germany-current/history')).statusCode).toBe(404);
    for (const table of ['target_group_refreshes', 'target_group_schedules', 'target_group_pushes']) {
      const left = await engine.query(
        `SELECT count(*) AS n FROM ${table} WHERE segment_id = 'germany-current'`,
      );
      expect(Number(left.rows[0]!['n'])).toBe(0);
    }
    expect((await inject('GET', '/v1/segments')).json().data.map((s: { name: string }) => s.name)).toEqual([
      'Champions',
    ]);
  });
});
