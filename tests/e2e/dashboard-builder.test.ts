import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TileResult } from '../../src/dashboards/run-tile';
import { formatNumber } from '../../src/dashboards/web/client/core/format';
import { DuckDbEngine, type Engine } from '../../src/engine';
import { DEMO_NOW } from '../helpers/demo';
import { screenshot } from './support/artifacts';
import { launchChromium, watchedPage } from './support/browser';
import { kpiValue, openDashboard, tileSelector, waitTile } from './support/dashboard-page';
import { type DemoServer, startDemoServer } from './support/server';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

describe('building a dashboard in the browser, and sharing a view of it', () => {
  let server: DemoServer;
  let browser: Browser;
  let warehouse: Engine;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startDemoServer()]);
    warehouse = await DuckDbEngine.open({ path: inject('demoWarehouse'), readOnly: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await warehouse?.close();
  });

  /** The categories a bar tile draws, as its marks' labels name them ("Region: Spain"). */
  const bars = (page: Page, tile: string) =>
    page
      .locator(`${tileSelector(tile)} g.role-mark > path[aria-label]`)
      .evaluateAll((ps) => ps.map((p) => (p.getAttribute('aria-label') ?? '').split(';')[0]!).sort());
  const order = (page: Page) => page.$$eval('.tile', (ts) => ts.map((t) => t.getAttribute('data-tile')));
  const width = (page: Page, tile: string) =>
    page
      .locator(tileSelector(tile))
      .evaluate((t) =>
        (t as unknown as { style: { getPropertyValue(n: string): string } }).style.getPropertyValue(
          '--tile-width',
        ),
      );

  it('builds, saves, reloads, arranges; Copy link reproduces filters and drill-down for someone else', async () => {
    const w = await watchedPage(browser);
    const { page, context } = w;
    try {
      await page.goto(`${server.url}/dashboards/new`);
      await page.waitForSelector('.builder[data-state="ready"]');
      await page.fill('input[name="title"]', 'Regional revenue');
      await page.check('input[name="date-filter"]');
      await page.selectOption('select[name="dimension-filter"]', 'customers.region');
      // A tile copied from a shipped dashboard, then one from a cube query.
      await page.selectOption('select[name="library-dashboard"]', 'sales-executive');
      await page.selectOption('select[name="library-tile"]', 'revenue_by_region');
      await page.click('[data-action="add-library-tile"]');
      await page.fill('input[name="tile-title"]', 'Revenue');
      await page.selectOption('select[name="measure"]', 'orders.revenue');
      await page.selectOption('select[name="time"]', 'orders.ordered_at');
      await page.selectOption('select[name="chart"]', 'kpi');
      await page.click('[data-action="add-query-tile"]');
      // Arrange with the keyboard: the KPI one place earlier, the bars two columns wider.
      await page.focus('.builder-tile[data-tile="revenue"] [data-action="earlier"]');
      await page.keyboard.press('Enter');
      const wider = '.builder-tile[data-tile="revenue_by_region"] [data-action="wider"]';
      await page.click(wider);
      await page.click(wider);
      expect(await page.$$eval('.builder-tile', (ts) => ts.map((t) => t.getAttribute('data-tile')))).toEqual([
        'revenue',
        'revenue_by_region',
      ]);
      expect(await page.getAttribute('.builder-tile[data-tile="revenue_by_region"]', 'data-width')).toBe('8');
      await screenshot(page, 'builder-new');
      await page.click('[data-action="save"]');
      await page.waitForURL(/\/dashboards\/regional-revenue$/);
      await openDashboard(page, page.url());

      expect(await order(page)).toEqual(['revenue', 'revenue_by_region']);
      expect(await width(page, 'revenue_by_region')).toBe('8');
      // Data as of: the orders job's last successful run, read from the warehouse on its own.
      const { rows } = await warehouse.query(
        "SELECT max(finished_at) AS t FROM etl_runs WHERE target = 'orders' AND status = 'succeeded'",
      );
      // The demo's files, loaded today, are read as of the demo's clock: the earlier of the two.
      const loaded = new Date(`${String(rows[0]!['t'])}Z`);
      const t = loaded < DEMO_NOW ? loaded : DEMO_NOW;
      const hm = `${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`;
      expect(await page.textContent('.data-as-of')).toBe(
        `Data as of ${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()}, ${hm} UTC`,
      );
      await page.reload();
      await openDashboard(page, page.url());
      expect(await order(page)).toEqual(['revenue', 'revenue_by_region']);
      await screenshot(page, 'builder-saved-dashboard');
      expect(await page.getAttribute('[data-action="edit"]', 'href')).toBe(
        '/dashboards/regional-revenue/edit',
      );

      // The home page lists it beside the shipped ones, with who saved it (local mode: `local`).
      await page.goto(`${server.url}/`);
      expect(await page.textContent('.dashboard-card[data-dashboard="regional-revenue"] .card-meta')).toBe(
        '2 tiles · saved by local',
      );
      await screenshot(page, 'builder-home');

      // Edit: make the bars narrower again; the saved layout follows.
      await page.goto(`${server.url}/dashboards/regional-revenue/edit`);
      await page.waitForSelector('.builder[data-state="ready"]');
      await page.click('.builder-tile[data-tile="revenue_by_region"] [data-action="narrower"]');
      await page.click('[data-action="save"]');
      await page.waitForURL(/\/dashboards\/regional-revenue$/);
      await openDashboard(page, page.url());
      expect(await width(page, 'revenue_by_region')).toBe('7');

      // A view: a region filter, then a drill into that region's countries by a click.
      const top = await server.getJson<TileResult>(
        '/v1/dashboards/regional-revenue/tiles/revenue_by_region.json',
      );
      const region = String(
        top.data.find((r) => typeof r['customers.region'] === 'string')!['customers.region'],
      );
      await openDashboard(
        page,
        `${server.url}/dashboards/regional-revenue?region=${encodeURIComponent(region)}`,
      );
      await page
        .locator(`${tileSelector('revenue_by_region')} g.role-mark > path[aria-label^="Region: ${region};"]`)
        .click();
      await page.waitForURL(
        (u) => u.searchParams.get('drill.revenue_by_region') === `customers.region:${region}`,
      );
      await waitTile(page, 'revenue_by_region');
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      await page.click('[data-action="copy-link"]');
      await page.waitForSelector('[data-action="copy-link"][data-link]');
      const link = String(await page.evaluate('navigator.clipboard.readText()'));
      expect(link).toBe(page.url());

      // Someone else (a new browser context: no history, no storage) opens the link.
      const other = await watchedPage(browser);
      try {
        await openDashboard(other.page, link);
        await other.page.waitForSelector(
          `${tileSelector('revenue_by_region')}[data-drill=${JSON.stringify(`customers.region:${region}`)}]`,
        );
        await waitTile(other.page, 'revenue_by_region');
        const countries = await server.postJson<TileResult>(
          '/v1/dashboards/regional-revenue/tiles/revenue_by_region/drill',
          {
            filters: { region },
            path: [{ member: 'customers.region', row: { 'customers.region': region } }],
          },
        );
        expect(countries.data.length).toBeGreaterThan(0);
        expect(await bars(other.page, 'revenue_by_region')).toEqual(
          countries.data.map((r) => `Country: ${String(r['customers.country'])}`).sort(),
        );
        expect(new URL(other.page.url()).searchParams.get('region')).toBe(region);
        // The filter applies: the KPI is the region's revenue over the default period, computed here.
        const { rows: sum } = await warehouse.query({
          text: `SELECT sum(f.revenue)::DOUBLE AS r FROM fact_order_lines f JOIN dim_customer c USING (customer_key)
                 WHERE f.status = 'completed' AND f.quantity > 0 AND f.unit_price >= 0 AND c.region = $1
                 AND f.ordered_at >= TIMESTAMP '2025-05-01' AND f.ordered_at < TIMESTAMP '2026-05-01'`,
          params: [region],
        });
        expect(await kpiValue(other.page, 'revenue')).toBe(formatNumber(Number(sum[0]!['r']), 'currency'));
        await screenshot(other.page, 'builder-shared-link');
        expect(other.problems).toEqual([]);
      } finally {
        await other.close();
      }
      expect(w.problems).toEqual([]);
    } finally {
      await w.close();
    }
  }, 60_000);
});
