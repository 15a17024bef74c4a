import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TileResult } from '../../src/dashboards/run-tile';
import { formatCell, formatNumber } from '../../src/dashboards/web/client/core/format';
import { DuckDbEngine, type Engine, type Row } from '../../src/engine';
import { DEMO_AS_OF } from '../helpers/demo';
import { ARTIFACTS, screenshot } from './support/artifacts';
import { launchChromium, type WatchedPage, watchedPage } from './support/browser';
import { kpiValue, openDashboard, tileSelector, waitTile } from './support/dashboard-page';
import { type DemoServer, startDemoServer } from './support/server';

const ID = 'sales-executive';
const BY_REGION = 'revenue_by_region';
const BY_MONTH = 'revenue_by_month';
const PARAM = `drill.${BY_REGION}`;
/** The lines orders.revenue counts, as the cube's measure filter says. */
const COMPLETED = "f.status = 'completed' AND f.quantity > 0 AND f.unit_price >= 0";
/** The default period: "last 12 months" at the demo's clock, the 12 whole months before its month. */
const PERIOD = (() => {
  const end = `${DEMO_AS_OF.slice(0, 7)}-01`;
  const start = `${Number(end.slice(0, 4)) - 1}${end.slice(4)}`;
  return `f.ordered_at >= TIMESTAMP '${start}' AND f.ordered_at < TIMESTAMP '${end}'`;
})();

describe('dashboard navigation in a real browser', () => {
  let server: DemoServer;
  let browser: Browser;
  /** The warehouse the server was loaded from, opened on its own: the independent side of the checks. */
  let warehouse: Engine;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startDemoServer();
    warehouse = await DuckDbEngine.open({ path: inject('demoWarehouse'), readOnly: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await warehouse?.close();
  });

  async function inPage(fn: (w: WatchedPage) => Promise<void>, tolerate?: RegExp): Promise<void> {
    const w = await watchedPage(browser);
    try {
      await fn(w);
      expect(w.problems.filter((p) => !tolerate?.test(p))).toEqual([]);
    } finally {
      await w.close();
    }
  }

  const open = (page: Page, path: string) => openDashboard(page, `${server.url}${path}`);
  const tileJson = (tile: string) => server.getJson<TileResult>(`/v1/dashboards/${ID}/tiles/${tile}.json`);
  const drilled = (tile: string, path: { member: string; value: unknown }[]) =>
    server.postJson<TileResult>(`/v1/dashboards/${ID}/tiles/${tile}/drill`, {
      filters: {},
      path: path.map((s) => ({ member: s.member, row: { [s.member]: s.value } })),
    });
  const drillParam = (page: Page, tile = BY_REGION) => new URL(page.url()).searchParams.get(`drill.${tile}`);

  /** A picker's checkbox row of exactly `value`. */
  const option = (page: Page, value: string) =>
    page
      .locator('.dimension-panel label')
      .filter({ has: page.locator(`input[value=${JSON.stringify(value)}]`) });

  /** Waits for the tile to show `path` (its data-drill attribute) and to settle. */
  async function shows(page: Page, tile: string, encoded: string): Promise<void> {
    await page.waitForSelector(`${tileSelector(tile)}[data-drill=${JSON.stringify(encoded)}]`);
    await waitTile(page, tile);
  }

  /** The categories a bar tile draws, as its marks' labels name them ("Region: Spain"). */
  async function bars(page: Page, tile: string): Promise<string[]> {
    return page
      .locator(`${tileSelector(tile)} g.role-mark > path[aria-label]`)
      .evaluateAll((ps) => ps.map((p) => (p.getAttribute('aria-label') ?? '').split(';')[0]!).sort());
  }

  /** The rows the tile holds, as its menu's "CSV (raw values)" writes them (sorted lines). */
  async function held(page: Page, tile: string): Promise<string[]> {
    await page.locator(`${tileSelector(tile)} .icon-button`).click();
    const download = page.waitForEvent('download');
    await page.locator('.menu-item', { hasText: 'CSV (raw values)' }).click();
    const lines = readFileSync(await (await download).path(), 'utf8')
      .trim()
      .split('\n');
    return [lines[0]!, ...lines.slice(1).sort()];
  }

  /** The same rows from an API answer. */
  const rowsOf = (t: TileResult, dimension: string) => [
    `${dimension},orders.revenue`,
    ...t.data.map((r) => `${r[dimension] ?? ''},${r['orders.revenue']}`).sort(),
  ];

  /** Requires the tile to show exactly the API's answer: its bars, and the rows behind them. */
  async function expectView(page: Page, tile: string, api: TileResult, dimension: string, title: string) {
    expect(await bars(page, tile)).toEqual(
      api.data.map((r) => `${title}: ${r[dimension] === null ? 'null' : String(r[dimension])}`).sort(),
    );
    expect(await held(page, tile)).toEqual(rowsOf(api, dimension));
  }

  async function crumbs(page: Page, tile: string): Promise<string> {
    const nav = page.locator(`${tileSelector(tile)} .tile-breadcrumb`);
    return (await nav.count()) === 0 ? '' : ((await nav.textContent()) ?? '').replace(/\s*›\s*/g, ' › ');
  }

  /** A region with several countries, and of it a country with several cities (from the API). */
  async function drillTarget() {
    const top = await tileJson(BY_REGION);
    for (const row of top.data) {
      const region = row['customers.region'];
      if (typeof region !== 'string') continue;
      const countries = await drilled(BY_REGION, [{ member: 'customers.region', value: region }]);
      const rows = countries.data.filter((r) => typeof r['customers.country'] === 'string');
      for (const c of rows) {
        const country = String(c['customers.country']);
        const cities = await drilled(BY_REGION, [
          { member: 'customers.region', value: region },
          { member: 'customers.country', value: country },
        ]);
        if (countries.data.length > 1 && cities.data.length > 1)
          return { top, region, countries, country, cities };
      }
    }
    throw new Error('no region with several countries and cities');
  }

  it('keeps each drill-down in the URL: Back and Forward step through it, a reload and a new tab show it', async () => {
    const { top, region, countries, country, cities } = await drillTarget();
    const level1 = `customers.region:${region}`;
    const level2 = `${level1}/customers.country:${country}`;

    await inPage(async ({ page, context }) => {
      await open(page, `/dashboards/${ID}`);
      await expectView(page, BY_REGION, top, 'customers.region', 'Region');

      await page
        .locator(`${tileSelector(BY_REGION)} g.role-mark > path[aria-label^="Region: ${region};"]`)
        .click();
      await page.waitForURL((u) => u.searchParams.get(PARAM) === level1);
      await shows(page, BY_REGION, level1);
      expect(await crumbs(page, BY_REGION)).toBe(`All › ${region}`);
      await expectView(page, BY_REGION, countries, 'customers.country', 'Country');

      await page
        .locator(`${tileSelector(BY_REGION)} g.role-mark > path[aria-label^="Country: ${country};"]`)
        .click();
      await page.waitForURL((u) => u.searchParams.get(PARAM) === level2);
      await shows(page, BY_REGION, level2);
      expect(await crumbs(page, BY_REGION)).toBe(`All › ${region} › ${country}`);
      await expectView(page, BY_REGION, cities, 'customers.city', 'City');
      // Readable: the members and values stand in the address as they are.
      expect(page.url()).toContain(`${PARAM}=customers.region:`);
      await screenshot(page, 'navigation-drilled');

      await page.goBack();
      await page.waitForURL((u) => u.searchParams.get(PARAM) === level1);
      await shows(page, BY_REGION, level1);
      expect(await crumbs(page, BY_REGION)).toBe(`All › ${region}`);
      await expectView(page, BY_REGION, countries, 'customers.country', 'Country');

      await page.goBack();
      await page.waitForURL((u) => u.searchParams.get(PARAM) === null);
      await shows(page, BY_REGION, '');
      expect(await crumbs(page, BY_REGION)).toBe('');
      await expectView(page, BY_REGION, top, 'customers.region', 'Region');

      await page.goForward();
      await page.goForward();
      await page.waitForURL((u) => u.searchParams.get(PARAM) === level2);
      await shows(page, BY_REGION, level2);
      await expectView(page, BY_REGION, cities, 'customers.city', 'City');

      // A breadcrumb step up is a history entry too.
      await page
        .locator(`${tileSelector(BY_REGION)} .tile-breadcrumb button.crumb`, { hasText: region })
        .click();
      await page.waitForURL((u) => u.searchParams.get(PARAM) === level1);
      await shows(page, BY_REGION, level1);
      await page.goBack();
      await page.waitForURL((u) => u.searchParams.get(PARAM) === level2);
      await shows(page, BY_REGION, level2);

      await page.reload();
      await page.waitForSelector('.dashboard[data-state="ready"]');
      await shows(page, BY_REGION, level2);
      expect(await crumbs(page, BY_REGION)).toBe(`All › ${region} › ${country}`);
      await expectView(page, BY_REGION, cities, 'customers.city', 'City');

      const shared = await context.newPage();
      await open(shared, new URL(page.url()).pathname + new URL(page.url()).search);
      await shows(shared, BY_REGION, level2);
      expect(await crumbs(shared, BY_REGION)).toBe(`All › ${region} › ${country}`);
      await expectView(shared, BY_REGION, cities, 'customers.city', 'City');
    });
  });

  it('keeps a drill-down across a filter change, and Back restores both', async () => {
    const { region, countries } = await drillTarget();
    const level1 = `customers.region:${region}`;
    const channels = await server.getJson<{ values: string[] }>('/v1/meta/values?member=channels.channel');
    const channel = channels.values[0]!;
    const filtered = await server.postJson<TileResult>(`/v1/dashboards/${ID}/tiles/${BY_REGION}/drill`, {
      filters: { channel },
      path: [{ member: 'customers.region', row: { 'customers.region': region } }],
    });
    expect(rowsOf(filtered, 'customers.country')).not.toEqual(rowsOf(countries, 'customers.country'));

    await inPage(async ({ page }) => {
      await open(page, `/dashboards/${ID}?${PARAM}=${encodeURIComponent(level1)}`);
      await shows(page, BY_REGION, level1);
      await page.click('[data-filter="channel"]');
      await option(page, channel).click();
      await page.locator('.dimension-panel button', { hasText: 'Apply' }).click();
      await page.waitForURL((u) => u.searchParams.get('channel') === channel);
      expect(drillParam(page)).toBe(level1);
      await shows(page, BY_REGION, level1);
      await expectView(page, BY_REGION, filtered, 'customers.country', 'Country');

      await page.goBack();
      await page.waitForURL((u) => u.searchParams.get('channel') === null);
      await page.waitForSelector('.dashboard[data-state="ready"]');
      await shows(page, BY_REGION, level1);
      await expectView(page, BY_REGION, countries, 'customers.country', 'Country');
    });
  });

  it('opens a link drilled into a region that is not set (null) as the API answers it', async () => {
    const top = await tileJson(BY_REGION);
    expect(top.data.some((r) => r['customers.region'] === null)).toBe(true);
    const unknown = await drilled(BY_REGION, [{ member: 'customers.region', value: null }]);
    expect(unknown.data.length).toBeGreaterThan(0);
    await inPage(async ({ page }) => {
      await open(page, `/dashboards/${ID}?${PARAM}=customers.region:~null`);
      await shows(page, BY_REGION, 'customers.region:~null');
      expect(await crumbs(page, BY_REGION)).toBe('All › (unknown)');
      await expectView(page, BY_REGION, unknown, 'customers.country', 'Country');
      await page
        .locator(`${tileSelector(BY_REGION)} .tile-breadcrumb button.crumb`, { hasText: 'All' })
        .click();
      await page.waitForURL((u) => u.searchParams.get(PARAM) === null);
      await page.goBack();
      await page.waitForURL((u) => u.searchParams.get(PARAM) === 'customers.region:~null');
      await shows(page, BY_REGION, 'customers.region:~null');
      await expectView(page, BY_REGION, unknown, 'customers.country', 'Country');
    });
  });

  it('ignores a stale drill-down in a link with a note, and shows the tile’s top level', async () => {
    const top = await tileJson(BY_REGION);
    await inPage(async ({ page }) => {
      await open(
        page,
        `/dashboards/${ID}?drill.no_such_tile=customers.region:x` +
          `&${PARAM}=customers.country:Spain&drill.${BY_MONTH}=orders.ordered_at.month:~bad`,
      );
      await waitTile(page, BY_REGION);
      await expect(page.locator('.dashboard-note').allTextContents()).resolves.toEqual([
        "The link's drill-down of tile “no_such_tile” was ignored: the dashboard has no such tile.",
        `The link's drill-down of tile “${BY_MONTH}” was ignored: "~b" is not an escape (write ~~ for ~, ~s for /, ~null for no value).`,
      ]);
      await page.waitForSelector(`${tileSelector(BY_REGION)} .tile-notice:not(:empty)`);
      await expect(page.locator(`${tileSelector(BY_REGION)} .tile-notice`).textContent()).resolves.toMatch(
        /drill-down \(Spain\) does not apply to this tile and was ignored: .*customers\.country/,
      );
      expect(await crumbs(page, BY_REGION)).toBe('');
      await expectView(page, BY_REGION, top, 'customers.region', 'Region');
      await page.waitForURL((u) => u.search === '');
      await screenshot(page, 'navigation-stale-link');
    }, /status of 400/);
  });

  it('discards the ticked values of a picker closed without Apply, says so, and can restore them', async () => {
    const { values } = await server.getJson<{ values: string[] }>('/v1/meta/values?member=customers.region');
    const picked = values[1]!;
    const notice = '.filter:has([data-filter="region"]) .filter-notice';

    await inPage(async ({ page }) => {
      await open(page, `/dashboards/${ID}`);
      const url = page.url();
      const kpi = await kpiValue(page, 'revenue');
      await page.click('[data-filter="region"]');
      await option(page, picked).click();
      await expect(page.locator('.dimension-panel .pending-changes').textContent()).resolves.toBe(
        '1 change not applied yet: Apply, or Esc to discard',
      );
      await screenshot(page, 'picker-pending');
      await page.keyboard.press('Escape');
      await page.waitForSelector('.dimension-panel', { state: 'detached' });
      await expect(page.locator(notice).textContent()).resolves.toMatch(
        /^Region not changed: 1 change discarded/,
      );
      await screenshot(page, 'picker-discarded');
      expect(page.url()).toBe(url);
      await expect(page.locator('[data-filter="region"] .filter-value').textContent()).resolves.toBe('All');
      expect(await page.locator('.tile[data-state="loading"]').count()).toBe(0);
      expect(await kpiValue(page, 'revenue')).toBe(kpi);

      // Restore reopens the picker with the discarded ticks; a click outside discards them again.
      await page.locator(notice).locator('button', { hasText: 'Restore' }).click();
      await expect(option(page, picked).locator('input').isChecked()).resolves.toBe(true);
      await expect(page.locator(notice).textContent()).resolves.toBe('');
      await page.locator('h1').first().click();
      await page.waitForSelector('.dimension-panel', { state: 'detached' });
      await expect(page.locator(notice).textContent()).resolves.toMatch(
        /^Region not changed: 1 change discarded/,
      );
      expect(page.url()).toBe(url);

      // Apply applies; closing with nothing unapplied says nothing.
      await page.locator(notice).locator('button', { hasText: 'Restore' }).click();
      await page.locator('.dimension-panel button', { hasText: 'Apply' }).click();
      await page.waitForURL((u) => u.searchParams.get('region') === picked);
      await page.waitForSelector('.dashboard[data-state="ready"]');
      await expect(page.locator('[data-filter="region"] .filter-value').textContent()).resolves.toBe(picked);
      await page.click('[data-filter="region"]');
      await page.keyboard.press('Escape');
      await expect(page.locator(notice).textContent()).resolves.toBe('');
    });
  });

  /** The records the page shows: the table's cells, the count line, and the CSV download. */
  async function recordsShown(page: Page) {
    const dialog = page.locator('dialog.records-dialog');
    await page.waitForSelector('dialog.records-dialog[data-state="ready"]');
    const headers = await dialog
      .locator('thead th')
      .evaluateAll((ths) => ths.map((t) => t.getAttribute('title')));
    const cells = await dialog
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent ?? '')));
    const column = (name: string) => cells.map((r) => r[headers.indexOf(name)]);
    const count = (await dialog.locator('.records-count').textContent()) ?? '';
    const download = page.waitForEvent('download');
    await dialog.locator('button', { hasText: 'Download CSV' }).click();
    const file = await download;
    const csv = readFileSync(await file.path(), 'utf8')
      .trim()
      .split('\n');
    return { dialog, headers, column, count, csv, csvName: file.suggestedFilename() };
  }

  const countText = (shown: number, total: number) =>
    shown >= total
      ? `All ${formatNumber(total, 'integer')} records`
      : `First 100 of ${formatNumber(total, 'integer')} records`;

  it('opens the records behind a mark at the last level: the first 100 of N, equal to SQL over the warehouse, and a CSV of all', async () => {
    const { region, country, cities } = await drillTarget();
    const city = String(
      [...cities.data].sort((a, b) => Number(b['orders.revenue']) - Number(a['orders.revenue']))[0]![
        'customers.city'
      ],
    );
    expect(cities.drill).toBeUndefined();
    const { rows } = await warehouse.query({
      text: `SELECT f.order_id, f.line_no, f.revenue::DOUBLE AS revenue
             FROM fact_order_lines f JOIN dim_customer c USING (customer_key)
             WHERE ${COMPLETED} AND ${PERIOD} AND c.region = $1 AND c.country = $2 AND c.city = $3
             ORDER BY f.ordered_at, f.order_id, f.line_no`,
      params: [region, country, city],
    });
    expect(rows.length).toBeGreaterThan(0);
    const bar = cities.data.find((r) => r['customers.city'] === city)!;
    expect(rows.reduce((s, r) => s + Number(r['revenue']), 0)).toBeCloseTo(Number(bar['orders.revenue']), 2);
    const path = `customers.region:${region}/customers.country:${country}`;

    await inPage(async ({ page }) => {
      await open(page, `/dashboards/${ID}?${PARAM}=${encodeURIComponent(path)}`);
      await shows(page, BY_REGION, path);
      await expect(page.locator(`${tileSelector(BY_REGION)} .click-hint`).textContent()).resolves.toBe(
        'Click a mark to see its records',
      );
      await page
        .locator(`${tileSelector(BY_REGION)} g.role-mark > path[aria-label^="City: ${city};"]`)
        .click();
      const shown = await recordsShown(page);
      await screenshot(page, 'records-city');
      await shown.dialog.screenshot({ path: join(ARTIFACTS, 'records-city-dialog.png') });
      await expect(shown.dialog.locator('.records-trail').textContent()).resolves.toBe(
        `All › ${region} › ${country} › ${city}`,
      );
      expect(shown.count).toBe(countText(Math.min(100, rows.length), rows.length));
      const first = rows.slice(0, 100);
      expect(shown.column('orders.order_id')).toEqual(first.map((r) => String(r['order_id'])));
      expect(shown.column('orders.line_no')).toEqual(
        first.map((r) => formatCell(r['line_no'], { name: 'orders.line_no', kind: 'quantitative' })),
      );
      expect(shown.column('orders.revenue')).toEqual(
        first.map((r) =>
          formatCell(r['revenue'], { name: 'orders.revenue', kind: 'quantitative', format: 'currency' }),
        ),
      );
      expect(shown.column('customers.city').every((c) => c === city)).toBe(true);
      // The CSV holds every record, in the same order.
      expect(shown.csvName).toBe(`${ID}-${BY_REGION}-records.csv`);
      const header = shown.csv[0]!.split(',');
      const id = header.indexOf('orders.order_id');
      expect(shown.csv.length - 1).toBe(rows.length);
      expect(shown.csv.slice(1).map((l) => l.split(',')[id])).toEqual(rows.map((r) => String(r['order_id'])));
      // The URL is unchanged by opening the records, and Escape closes them.
      expect(drillParam(page)).toBe(path);
      await page.keyboard.press('Escape');
      await page.waitForSelector('dialog.records-dialog', { state: 'detached' });

      // The records' query opens in Explore, which shows the same first rows.
      await page
        .locator(`${tileSelector(BY_REGION)} g.role-mark > path[aria-label^="City: ${city};"]`)
        .click();
      await page.waitForSelector('dialog.records-dialog[data-state="ready"]');
      await page.locator('dialog.records-dialog a', { hasText: 'Open in Explore' }).click();
      await page.waitForSelector('.explore[data-state="ready"]');
      await page.click('.tab[data-tab="table"]');
      const ids = await page
        .locator('[data-panel="table"] tbody tr')
        .evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent ?? ''));
      expect(ids).toEqual(first.map((r) => String(r['order_id'])));
    });
  });

  it('drills a month into its days, and a day (the last level) into its order lines', async () => {
    const member = 'orders.ordered_at.month';
    const months = await tileJson(BY_MONTH);
    const march = months.data.find((m) => String(m[member]).startsWith('2026-03'))!;
    const days = await drilled(BY_MONTH, [{ member, value: march[member] }]);
    expect(days.drill).toBeUndefined();
    expect(days.data).toHaveLength(31);
    const { rows } = await warehouse.query(
      `SELECT f.order_id, f.line_no FROM fact_order_lines f
       WHERE ${COMPLETED} AND f.ordered_at >= TIMESTAMP '2026-03-16' AND f.ordered_at < TIMESTAMP '2026-03-17'
       ORDER BY f.ordered_at, f.order_id, f.line_no`,
    );
    expect(rows.length).toBeGreaterThan(0);
    const level1 = `${member}:2026-03-01`;

    await inPage(async ({ page }) => {
      await open(page, `/dashboards/${ID}`);
      await page
        .locator(`${tileSelector(BY_MONTH)} g.role-mark > path[aria-label^="Ordered At: Mar 2026;"]`)
        .last()
        .click();
      await page.waitForURL((u) => u.searchParams.get(`drill.${BY_MONTH}`) === level1);
      await shows(page, BY_MONTH, level1);
      expect(await crumbs(page, BY_MONTH)).toBe('All › Mar 2026');
      await page
        .locator(`${tileSelector(BY_MONTH)} g.role-mark > path[aria-label^="Ordered At: Mar 16, 2026;"]`)
        .last()
        .click();
      const shown = await recordsShown(page);
      await shown.dialog.screenshot({ path: join(ARTIFACTS, 'records-day-dialog.png') });
      await expect(shown.dialog.locator('.records-trail').textContent()).resolves.toBe(
        'All › Mar 2026 › Mar 16, 2026',
      );
      expect(shown.count).toBe(countText(Math.min(100, rows.length), rows.length));
      const key = (r: Row) => `${r['order_id']}#${r['line_no']}`;
      expect(shown.column('orders.order_id')).toEqual(rows.slice(0, 100).map((r) => String(r['order_id'])));
      const id = shown.csv[0]!.split(',').indexOf('orders.order_id');
      const line = shown.csv[0]!.split(',').indexOf('orders.line_no');
      expect(shown.csv.slice(1).map((l) => `${l.split(',')[id]}#${l.split(',')[line]}`)).toEqual(
        rows.map(key),
      );
      // Opening records is no navigation: the drill-down stays, and the dialog closes on its button.
      expect(drillParam(page, BY_MONTH)).toBe(level1);
      await shown.dialog.locator('button', { hasText: 'Close' }).click();
      await page.waitForSelector('dialog.records-dialog', { state: 'detached' });
    });
  });
});
