import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardResult } from '../../src/dashboards/run';
import type { TileResult } from '../../src/dashboards/run-tile';
import {
  formatCell,
  formatCompact,
  formatNumber,
  withUnit,
} from '../../src/dashboards/web/client/core/format';
import { screenshot, writeArtifact } from './support/artifacts';
import { launchChromium, type WatchedPage, watchedPage } from './support/browser';
import {
  kpiShown,
  kpiValue,
  openDashboard,
  tileSelector,
  tilesOnPage,
  waitSettled,
  waitTile,
  xAxisLabels,
} from './support/dashboard-page';
import { type DemoServer, startDemoServer } from './support/server';
import { filteringTile, listedDashboards, segmentTile } from './support/tile-finders';

interface Listed {
  id: string;
  title: string;
  tiles: number;
}

/** What a tile should show for its API result. */
function expectedState(t: TileResult): string {
  if (t.error) return 'error';
  if (t.chart === 'kpi') return t.kpi?.value === null || t.kpi?.value === undefined ? 'empty' : 'ready';
  return t.data.length === 0 ? 'empty' : 'ready';
}

/** Axis labels as the page draws them: a null category (placeholder rows) reads "(unknown)". */
const sorted = (xs: readonly unknown[]) => xs.map((x) => (x === null ? '(unknown)' : String(x))).sort();

describe('the web app in a real browser', () => {
  let server: DemoServer;
  let browser: Browser;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startDemoServer();
  });
  afterAll(async () => {
    writeArtifact('timings.json', { unit: 'ms from navigation to every tile settled', dashboards: timings });
    await browser?.close();
    await server?.close();
  });

  /** Runs `fn` in a fresh tab, then requires that nothing went wrong in it. */
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
  const dashboard = (id: string, query = '') =>
    server.getJson<DashboardResult>(`/v1/dashboards/${id}${query}`);

  describe('dashboards', () => {
    it('lists every dashboard on the home page, and each opens fully drawn with the API’s numbers', async () => {
      const listed = (await server.getJson<{ data: Listed[] }>('/v1/dashboards')).data;
      expect(listed.length).toBeGreaterThan(0);
      await inPage(async ({ page, problems }) => {
        await page.goto(server.url);
        const cards = await page
          .locator('.dashboard-card')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-dashboard')));
        expect(cards).toEqual(listed.map((d) => d.id));
        await screenshot(page, 'index');

        for (const d of listed) {
          const api = await dashboard(d.id);
          timings[d.id] = Math.round(await open(page, `/dashboards/${d.id}`));
          await screenshot(page, `dashboard-${d.id}`);
          const shown = await tilesOnPage(page);
          expect
            .soft(
              shown.map((t) => t.name),
              d.id,
            )
            .toEqual(api.tiles.map((t) => t.name));
          expect
            .soft(
              shown.filter((t) => t.state === 'error').map((t) => `${d.id}/${t.name}: ${t.error}`),
              'tiles showing an error',
            )
            .toEqual([]);
          for (const t of api.tiles) {
            const where = `${d.id}/${t.name}`;
            const s = shown.find((x) => x.name === t.name);
            expect.soft(s?.state, where).toBe(expectedState(t));
            if (s?.state !== 'ready') continue;
            if (t.chart === 'kpi') {
              expect
                .soft(await kpiValue(page, t.name), where)
                .toBe(withUnit(formatNumber(t.kpi!.value, t.kpi!.format), t.kpi!.unit));
              expect
                .soft(await kpiShown(page, t.name), where)
                .toBe(
                  withUnit(
                    formatCompact(t.kpi!.value, t.kpi!.format),
                    t.kpi!.value === null ? undefined : t.kpi!.unit,
                  ),
                );
            } else if (t.chart === 'table') {
              expect
                .soft(await page.locator(`${tileSelector(t.name)} tbody tr`).count(), where)
                .toBe(t.data.length);
            } else {
              expect.soft(s.marks, `${where}: marks drawn`).toBeGreaterThan(0);
            }
          }
          expect.soft(problems.splice(0), `${d.id}: console, page and network problems`).toEqual([]);
        }
      });
    });

    it('re-queries every tile when a filter changes, to the API’s numbers, and the back button undoes it', async () => {
      const id = 'sales-executive';
      const before = await dashboard(id);
      const regionFilter = before.filters.find(
        (f) => f.type === 'dimension' && f.dimension === 'customers.region',
      );
      const periodFilter = before.filters.find((f) => f.type === 'date_range');
      expect(regionFilter).toBeDefined();
      expect(periodFilter).toBeDefined();
      const region = regionFilter!.name;
      const period = periodFilter!.name;
      const { values } = await server.getJson<{ values: string[] }>(
        '/v1/meta/values?member=customers.region',
      );
      const picked = values.find((v) => v !== 'Western Europe')!;
      const byRegion = await dashboard(id, `?${region}=${encodeURIComponent(picked)}`);
      const byRange = await dashboard(
        id,
        `?${region}=${encodeURIComponent(picked)}&${period}=2025-01-01..2025-06-30`,
      );
      const kpis = (r: DashboardResult) =>
        r.tiles
          .filter((t) => t.chart === 'kpi')
          .map((t) => [t.name!, withUnit(formatNumber(t.kpi!.value, t.kpi!.format), t.kpi!.unit)]);
      expect(kpis(byRegion)).not.toEqual(kpis(before));
      expect(kpis(byRange)).not.toEqual(kpis(byRegion));
      const expectKpis = async (page: Page, r: DashboardResult) => {
        for (const [tile, text] of kpis(r)) expect(await kpiValue(page, tile!), tile).toBe(text);
      };

      await inPage(async ({ page }) => {
        await open(page, `/dashboards/${id}`);
        await page.click(`[data-filter="${region}"]`);
        await page.locator('.dimension-panel label', { hasText: picked }).click();
        await page.locator('.dimension-panel button', { hasText: 'Apply' }).click();
        await page.waitForURL((u) => u.searchParams.get(region) === picked);
        await waitSettled(page);
        await expect(page.locator(`[data-filter="${region}"] .filter-value`).textContent()).resolves.toBe(
          picked,
        );
        await expectKpis(page, byRegion);
        expect(await xAxisLabels(page, 'revenue_by_region')).toEqual(
          byRegion.tiles
            .find((t) => t.name === 'revenue_by_region')!
            .data.map((r) => String(r['customers.region'])),
        );

        await page.click(`[data-filter="${period}"]`);
        await page.fill('.custom-range input[name="from"]', '2025-01-01');
        await page.fill('.custom-range input[name="to"]', '2025-06-30');
        await page.locator('.custom-range button', { hasText: 'Apply' }).click();
        await page.waitForURL((u) => u.searchParams.get(period) === '2025-01-01..2025-06-30');
        await waitSettled(page);
        await expect(page.locator(`[data-filter="${period}"] .filter-value`).textContent()).resolves.toBe(
          'Jan 1, 2025 – Jun 30, 2025',
        );
        await expectKpis(page, byRange);

        await page.goBack();
        await page.waitForURL(
          (u) => u.searchParams.get(period) === null && u.searchParams.get(region) === picked,
        );
        await waitSettled(page);
        await expectKpis(page, byRegion);
        await page.goBack();
        await page.waitForURL((u) => u.search === '');
        await waitSettled(page);
        await expectKpis(page, before);
      });
    });

    it('sets a dashboard filter from a click on a mark of a tile that does not drill', async () => {
      const found = filteringTile(await listedDashboards(server));
      expect(
        found,
        'a listed dashboard has a bar tile over a filter dimension without drill-down',
      ).toBeDefined();
      const { id, tile, filter, value } = found!;
      const expected = await dashboard(id, `?${filter}=${encodeURIComponent(value)}`);

      await inPage(async ({ page }) => {
        await open(page, `/dashboards/${id}`);
        await page
          .locator(`${tileSelector(tile.name)} g.role-mark > path[aria-label*=": ${value};"]`)
          .first()
          .click();
        await page.waitForURL((u) => u.searchParams.get(filter) === value);
        await waitSettled(page);
        await expect(page.locator(`[data-filter="${filter}"] .filter-value`).textContent()).resolves.toBe(
          value,
        );
        const shown = await tilesOnPage(page);
        for (const t of expected.tiles) {
          if (t.chart !== 'kpi' || t.error) continue;
          expect(await kpiValue(page, t.name), t.name).toBe(
            withUnit(formatNumber(t.kpi!.value, t.kpi!.format), t.kpi!.unit),
          );
        }
        expect(shown.filter((t) => t.state === 'error')).toEqual([]);
      });
    });

    it('exports a tile as PNG, SVG and CSV from its menu', async () => {
      const tile = (await dashboard('sales-executive')).tiles.find((t) => t.name === 'revenue_by_region')!;
      await inPage(async ({ page }) => {
        await open(page, '/dashboards/sales-executive');
        const exported = async (label: string) => {
          await page.locator(`${tileSelector(tile.name)} .icon-button`).click();
          const download = page.waitForEvent('download');
          await page.locator('.menu-item', { hasText: label }).click();
          const file = await download;
          return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
        };
        const png = await exported('Download PNG');
        expect(png.name).toBe('sales-executive-revenue_by_region.png');
        expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
        const svg = await exported('Download SVG');
        expect(svg.name).toBe('sales-executive-revenue_by_region.svg');
        expect(svg.bytes.toString('utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        // The CSV for people: titles with units, then one row per region.
        const csv = await exported('Download CSV');
        expect(csv.name).toBe('sales-executive-revenue_by_region.csv');
        const lines = csv.bytes
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .trim()
          .split('\n');
        expect(lines[0]).toBe('Region,Revenue (€)');
        expect(lines).toHaveLength(tile.data.length + 1);
        const raw = await exported('CSV (raw values)');
        expect(raw.bytes.toString('utf8').trim().split('\n')[0]).toBe('customers.region,orders.revenue');
      });
    });

    it('drills from regions into the countries of the clicked region, and back up by the breadcrumb', async () => {
      const id = 'sales-executive';
      const tile = (await dashboard(id)).tiles.find((t) => t.name === 'revenue_by_region')!;
      expect(tile.drill).toEqual({ member: 'customers.region', to: 'customers.country' });
      const row = tile.data[0]!;
      const region = String(row['customers.region']);
      const drilled = await server.postJson<TileResult>(`/v1/dashboards/${id}/tiles/${tile.name}/drill`, {
        filters: {},
        path: [{ member: tile.drill!.member, row }],
      });
      expect(drilled.data.length).toBeGreaterThan(1);

      await inPage(async ({ page }) => {
        await open(page, `/dashboards/${id}`);
        await page
          .locator(`${tileSelector(tile.name)} g.role-mark > path[aria-label^="Region: ${region};"]`)
          .click();
        await page.waitForSelector(`${tileSelector(tile.name)} .tile-breadcrumb`);
        await waitTile(page, tile.name);
        await expect(
          page.locator(`${tileSelector(tile.name)} .tile-breadcrumb`).textContent(),
        ).resolves.toMatch(new RegExp(`^All\\s*›\\s*${region}$`));
        expect(sorted(await xAxisLabels(page, tile.name))).toEqual(
          sorted(drilled.data.map((r) => r['customers.country'])),
        );

        await page
          .locator(`${tileSelector(tile.name)} .tile-breadcrumb button.crumb`, { hasText: 'All' })
          .click();
        await page.waitForSelector(`${tileSelector(tile.name)} .tile-breadcrumb`, { state: 'detached' });
        await waitTile(page, tile.name);
        expect(sorted(await xAxisLabels(page, tile.name))).toEqual(
          sorted(tile.data.map((r) => r['customers.region'])),
        );
      });
    });

    it('saves a picked group as a target group and downloads its member list', async () => {
      const found = segmentTile(await listedDashboards(server));
      expect(found, 'a listed dashboard has a bar tile that saves target groups').toBeDefined();
      const { id, tile, value } = found!;
      const name = `E2E ${value} ${Date.now()}`;

      await inPage(async ({ page }) => {
        await open(page, `/dashboards/${id}`);
        const t = page.locator(tileSelector(tile.name));
        await t.locator(`g.role-mark > path[aria-label*=": ${value};"]`).first().click();
        await expect(t.locator('.selection-label').textContent()).resolves.toBe(`Selected: ${value}`);
        await t.locator('button', { hasText: 'Save as target group' }).click();
        await t.locator('.segment-form input[name="name"]').fill(name);
        const download = page.waitForEvent('download');
        await t.locator('.segment-form button[type="submit"]').click();
        const file = await download;
        const status = (await t.locator('.segment-status.is-success').textContent()) ?? '';
        const count = Number(/: ([\d,]+) customers/.exec(status)?.[1]?.replaceAll(',', ''));
        expect(count).toBeGreaterThan(0);
        const csv = readFileSync(await file.path(), 'utf8')
          .trim()
          .split('\n');
        expect(csv.length - 1).toBe(count);
        const saved = await server.getJson<{ member_count: number }>(
          `/v1/segments/${encodeURIComponent(file.suggestedFilename().replace(/\.csv$/, ''))}`,
        );
        expect(saved.member_count).toBe(count);
      });
    });
  });

  describe('explore', () => {
    it('builds a query from the member list, runs it, and shows the API’s rows, a chart and the SQL', async () => {
      await inPage(async ({ page, context }) => {
        await context.grantPermissions(['clipboard-read', 'clipboard-write']);
        await page.goto(`${server.url}/explore`);
        await page.waitForSelector('.explore[data-state="idle"]');
        await page.fill('.member-search', 'revenue');
        await page.click('button.member[data-member="orders.revenue"]');
        await page.fill('.member-search', 'country');
        await page.click('button.member[data-member="customers.country"]');
        await page.click('button:has-text("Run query")');
        await page.waitForSelector('.explore[data-state="ready"]');

        const query = JSON.parse(new URL(page.url()).searchParams.get('query')!);
        expect(query).toMatchObject({ measures: ['orders.revenue'], dimensions: ['customers.country'] });
        const api = await server.postJson<{
          data: Record<string, unknown>[];
          annotation: { measures: Record<string, { format?: string }> };
        }>('/v1/query', { query });
        const chartMarks = page.locator('[data-panel="chart"] .vega-embed svg g.role-mark > path');
        expect(await chartMarks.count()).toBe(api.data.length);
        await screenshot(page, 'explore');

        await page.click('.tab[data-tab="table"]');
        const cells = await page
          .locator('[data-panel="table"] tbody tr')
          .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
        const fields = [
          { name: 'customers.country', kind: 'nominal' },
          {
            name: 'orders.revenue',
            kind: 'quantitative',
            format: api.annotation.measures['orders.revenue']?.format,
          },
        ];
        expect(cells).toEqual(api.data.map((r) => fields.map((f) => formatCell(r[f.name], f))));

        await page.click('.tab[data-tab="sql"]');
        const sql = await server.postJson<{ queries: { text: string }[] }>('/v1/sql', { query });
        expect(await page.locator('.sql-text').textContent()).toBe(sql.queries[0]!.text);

        await page.click('button:has-text("Copy curl")');
        await page.waitForSelector('.copy-status:has-text("Copied")');
        // A string, since the test's TypeScript has no DOM types: it runs in the page.
        const curl = await page.evaluate('navigator.clipboard.readText()');
        expect(curl).toBe(
          `curl -s -X POST '${server.url}/v1/query' -H 'content-type: application/json' -d '${JSON.stringify({ query })}'`,
        );
      });
    });

    it('opens a dashboard tile’s query from the tile menu and runs it', async () => {
      const tile = (await dashboard('sales-executive')).tiles.find((t) => t.name === 'revenue_by_region')!;
      await inPage(async ({ page }) => {
        await open(page, '/dashboards/sales-executive');
        await page.locator(`${tileSelector(tile.name)} .icon-button`).click();
        await page.locator('.menu-item', { hasText: 'Open in Explore' }).click();
        await page.waitForSelector('.explore[data-state="ready"]');
        expect(JSON.parse(new URL(page.url()).searchParams.get('query')!)).toEqual(tile.query);
        await page.click('.tab[data-tab="table"]');
        expect(await page.locator('[data-panel="table"] tbody tr').count()).toBe(tile.data.length);
      });
    });

    it('shows an API error in place of the results', async () => {
      const query = encodeURIComponent(JSON.stringify({ measures: ['orders.revenu'] }));
      await inPage(async ({ page }) => {
        await page.goto(`${server.url}/explore?query=${query}`);
        await page.waitForSelector('.explore[data-state="error"]');
        await expect(page.locator('.results .error-code').textContent()).resolves.toBe('UNKNOWN_MEMBER');
        await expect(page.locator('.results .error-message').textContent()).resolves.toContain(
          'did you mean orders.revenue',
        );
      }, /status of 400/);
    });
  });

  describe('Customer 360', () => {
    it('finds a customer through the header search and shows the profile and the timeline', async () => {
      const planned = await server.postJson<{ data: Record<string, unknown>[] }>('/v1/query', {
        query: {
          measures: ['interactions.count'],
          dimensions: ['interactions.customer_id'],
          filters: [{ member: 'interactions.status', operator: 'equals', values: ['planned'] }],
          order: [
            ['interactions.count', 'desc'],
            ['interactions.customer_id', 'asc'],
          ],
          limit: 1,
        },
      });
      const id = String(planned.data[0]!['interactions.customer_id']);
      const detail = await server.getJson<{
        profile: { name: string };
        timeline: { at: string; kind: string; title: string; planned: boolean }[];
      }>(`/v1/customers/${id}`);
      const newestFirst = [...detail.timeline].sort((a, b) => b.at.localeCompare(a.at));
      expect(newestFirst.some((e) => e.planned)).toBe(true);

      await inPage(async ({ page }) => {
        await page.goto(`${server.url}/customers?search=${encodeURIComponent(detail.profile.name)}`);
        await page.waitForSelector('.customer-search[data-state="ready"]');
        await screenshot(page, 'customer-search');
        await page.fill('.header-search input', detail.profile.name);
        await page.locator(`.header-search .suggestion[href="/customers/${id}"]`).click();
        await page.waitForSelector('.customer[data-state="ready"]');
        await expect(page.locator('h1.customer-name').textContent()).resolves.toBe(detail.profile.name);
        const entries = page.locator('.timeline-entry');
        expect(await entries.count()).toBe(detail.timeline.length);
        expect(await page.locator('.timeline-entry.is-planned').count()).toBe(
          detail.timeline.filter((e) => e.planned).length,
        );
        await expect(entries.first().locator('.timeline-title span').first().textContent()).resolves.toBe(
          newestFirst[0]!.title,
        );
        await screenshot(page, 'customer');

        await page.click('.kind-toggle[data-kind="order"]');
        expect(await page.locator('.timeline-entry[data-kind="order"]').count()).toBe(0);
        expect(await entries.count()).toBe(detail.timeline.filter((e) => e.kind !== 'order').length);
      });
    });

    it('answers an unknown customer with a not-found message', async () => {
      await inPage(async ({ page }) => {
        await page.goto(`${server.url}/customers/NOPE-404`);
        await page.waitForSelector('.customer[data-state="not-found"]');
        await expect(page.locator('.customer h1').textContent()).resolves.toBe('No customer “NOPE-404”');
      }, /status of 404/);
    });

    it('answers an unknown dashboard with a 404 page', async () => {
      await inPage(async ({ page }) => {
        const res = await page.goto(`${server.url}/dashboards/no-such-board`);
        expect(res?.status()).toBe(404);
        await expect(page.locator('h1').textContent()).resolves.toBe('No dashboard "no-such-board"');
        await screenshot(page, 'not-found');
      }, /status of 404/);
    });
  });
});
