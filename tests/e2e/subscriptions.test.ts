import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TileResult } from '../../src/dashboards/run-tile';
import { DuckDbEngine } from '../../src/engine';
import { screenshot } from './support/artifacts';
import { launchChromium, watchedPage } from './support/browser';
import { openDashboard } from './support/dashboard-page';
import { type DemoServer, startDemoServer } from './support/server';

/** A webhook receiver on loopback keeping each JSON body. */
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

describe('subscribing in the browser', () => {
  let server: DemoServer;
  let browser: Browser;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  const chromium = process.env['RAPPORT_CHROMIUM'];

  beforeAll(async () => {
    // The delivery leaves its images out (no second Chromium to render them): this test is about
    // the forms and the numbers; tests/delivery checks the PNG and PDF.
    process.env['RAPPORT_CHROMIUM'] = '/nonexistent/chromium';
    [browser, server, hook] = await Promise.all([launchChromium(), startDemoServer(), webhookReceiver()]);
  });
  afterAll(async () => {
    if (chromium === undefined) delete process.env['RAPPORT_CHROMIUM'];
    else process.env['RAPPORT_CHROMIUM'] = chromium;
    await browser?.close();
    await server?.close();
    hook?.server.close();
  });

  it('saves a question, builds a dashboard from it, subscribes by webhook, sends now: the tile’s rows arrive', async () => {
    const question = await server.postJson<{ id: string }>('/v1/questions', {
      name: 'Orders by customer type',
      query: {
        measures: ['orders.count'],
        dimensions: ['customers.type'],
        order: { 'customers.type': 'asc' },
      },
    });
    const w = await watchedPage(browser);
    const { page } = w;
    try {
      // The builder: a tile from the saved question, saved as a dashboard.
      await page.goto(`${server.url}/dashboards/new`);
      await page.waitForSelector('.builder[data-state="ready"]');
      await page.fill('input[name="title"]', 'Orders overview');
      await page.selectOption('select[name="question"]', question.id);
      await page.click('[data-action="add-question-tile"]');
      await page.click('[data-action="save"]');
      await page.waitForURL(/\/dashboards\/orders-overview$/);
      await openDashboard(page, page.url());
      const tile = String(await page.getAttribute('.tile', 'data-tile'));

      // The form: a preset fills the cron, the zone is the browser's, a bad cron is named.
      await page.click('[data-action="subscribe"]');
      const form = page.locator('.subscribe-form');
      expect(await form.locator('input[name="cron"]').inputValue()).toBe('0 8 * * 1');
      await form.locator('select[name="preset"]').selectOption({ label: 'Every weekday 08:00' });
      expect(await form.locator('input[name="cron"]').inputValue()).toBe('0 8 * * 1-5');
      const zone = await page.evaluate('Intl.DateTimeFormat().resolvedOptions().timeZone');
      expect(await form.locator('input[name="timezone"]').inputValue()).toBe(zone);
      expect(await form.locator('input[name="name"]').inputValue()).toBe('Orders overview');
      await form.locator('select[name="kind"]').selectOption('webhook');
      expect(await form.locator('input[name="to"]').isVisible()).toBe(false);
      await form.locator('input[name="url"]').fill(hook.url);
      await form.locator('input[name="cron"]').fill('61 8 * * 1');
      await form.locator('button[type="submit"]').click();
      await page.waitForSelector('.subscribe-status.is-error');
      expect(await page.textContent('.subscribe-status')).toMatch(/^cron: "61 8 \* \* 1"/);
      await form.locator('select[name="preset"]').selectOption({ label: 'Every Monday 08:00' });
      await screenshot(page, 'subscribe-form');
      await form.locator('button[type="submit"]').click();
      await page.waitForSelector('.subscribe-status.is-success');
      const subId = String(await form.getAttribute('data-subscription'));
      const created = await server.getJson<{ cron: string; timezone: string; target: unknown }>(
        `/v1/subscriptions/${subId}`,
      );
      expect(created).toMatchObject({
        cron: '0 8 * * 1',
        timezone: zone,
        target: { dashboard: 'orders-overview' },
      });

      // The list on /questions: Send now, and the delivery appears as sent.
      await page.click('.subscribe-status a');
      await page.waitForSelector('.subscriptions-list[data-state="ready"]');
      const row = page.locator(`.subscription-row[data-subscription="${subId}"]`);
      expect(await row.textContent()).toContain('Every Monday 08:00');
      expect(await row.textContent()).toContain('Nothing delivered yet.');
      await row.locator('[data-action="send-now"]').click();
      await page.waitForSelector(`.subscription-row[data-subscription="${subId}"] tr[data-status="sent"]`);
      // The question's row has its own Subscribe… control.
      expect(
        await page.locator(`.question-row[data-question="${question.id}"] [data-action="subscribe"]`).count(),
      ).toBe(1);
      await screenshot(page, 'subscriptions-list');

      // What the receiver got: the dashboard's tile, rows equal to the API's answer for it.
      expect(hook.bodies).toHaveLength(1);
      const body = hook.bodies[0] as {
        subject: string;
        data: { dashboard: string; tiles: { name: string; rows: unknown[] }[] };
      };
      expect(body.subject).toBe('Orders overview');
      expect(body.data.dashboard).toBe('orders-overview');
      const api = await server.getJson<TileResult>(`/v1/dashboards/orders-overview/tiles/${tile}.json`);
      expect(api.data.length).toBeGreaterThan(1);
      expect(body.data.tiles.map((t) => t.name)).toEqual([tile]);
      expect(body.data.tiles[0]!.rows).toEqual(api.data);
      // And both equal the count by customer type straight from the demo warehouse's tables.
      const warehouse = await DuckDbEngine.open({ path: inject('demoWarehouse'), readOnly: true });
      const truth = await warehouse
        .query(
          `SELECT c.type, count(*) AS n FROM fact_order_lines f LEFT JOIN dim_customer c USING (customer_key)
           GROUP BY 1`,
        )
        .finally(() => warehouse.close());
      const byType = (rows: readonly Record<string, unknown>[], type: string, n: string) =>
        Object.fromEntries(rows.map((r) => [String(r[type]), Number(r[n])]));
      expect(
        byType(body.data.tiles[0]!.rows as Record<string, unknown>[], 'customers.type', 'orders.count'),
      ).toEqual(byType(truth.rows, 'type', 'n'));
      // Nothing went wrong but the bad cron's answer, which the browser logs as a failed load.
      expect(w.problems).toEqual([expect.stringMatching(/status of 400 .*\/v1\/subscriptions\)$/)]);
    } finally {
      await w.close();
    }
  });
});
