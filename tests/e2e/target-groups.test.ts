import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/artifacts';
import { launchChromium, watchedPage } from './support/browser';
import { type DemoServer, startDemoServer } from './support/server';

interface Saved {
  segment_id: string;
  member_count: number;
}

describe('the target groups page', () => {
  let server: DemoServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('searches, refreshes, draws the history, exports and deletes', async () => {
    const germany = await server.postJson<Saved>('/v1/segments', {
      name: 'Germany current',
      description: 'Current address in Germany',
      definition: {
        source: 'query',
        query: {
          dimensions: ['customers.customer_id'],
          filters: [{ member: 'customers.country', operator: 'equals', values: ['Germany'] }],
          segments: ['customers.current'],
        },
      },
    });
    await server.postJson('/v1/segments', {
      name: 'Champions',
      description: 'Best RFM customers',
      definition: { source: 'rfm', segments: ['Champions'] },
    });
    const { page, problems, close } = await watchedPage(browser);
    try {
      await page.goto(`${server.url}/target-groups`);
      await page.waitForSelector('.target-groups[data-state="ready"]');
      expect(await page.locator('.tg-table tbody tr').count()).toBe(2);
      expect(await page.locator('.app-nav a[aria-current="page"]').textContent()).toBe('Target groups');

      await page.locator('.tg-search').fill('germ');
      await page.waitForFunction("document.querySelectorAll('.tg-table tbody tr').length === 1");
      expect(new URL(page.url()).searchParams.get('search')).toBe('germ');
      const row = page.locator('.tg-table tbody tr');
      expect(await row.getAttribute('data-segment')).toBe('germany-current');
      expect(await row.locator('.tg-definition').textContent()).toContain('customers.country equals Germany');
      expect(Number((await row.locator('.tg-count').textContent())?.replace(/\D/g, ''))).toBe(
        germany.member_count,
      );

      // The export link is the members' CSV: a header and one line per member.
      const href = await row.locator('.tg-export').getAttribute('href');
      expect(href).toBe('/v1/segments/germany-current/members');
      const csv = await (await page.request.get(`${server.url}${href}`)).text();
      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe('customer_id,name,email,phone,type,industry,country,region,city');
      expect(lines.length - 1).toBe(germany.member_count);

      await row.locator('.tg-open').click();
      await page.waitForSelector('.tg-detail[data-state="ready"] .tg-history-chart svg');
      expect(await page.locator('.tg-history-table tbody tr').count()).toBe(1);

      await row.locator('.tg-refresh').click();
      await page.waitForFunction("document.querySelectorAll('.tg-history-table tbody tr').length === 2");
      await page.waitForSelector('.tg-detail[data-state="ready"] .tg-history-chart svg');
      const points = await page.$$eval('.tg-history-chart svg g.role-mark path', (marks) => marks.length);
      expect(points).toBeGreaterThanOrEqual(2);
      await screenshot(page, 'target-groups');

      page.once('dialog', (d) => void d.accept());
      await page.locator('.tg-table tbody tr .tg-delete').click();
      await page.waitForSelector('.tg-list .state-empty');
      expect(await page.locator('.tg-list').textContent()).toContain('No target group matches “germ”');
      await screenshot(page, 'target-groups-deleted');
      const left = await server.getJson<{ data: { name: string }[] }>('/v1/segments');
      expect(left.data.map((s) => s.name)).toEqual(['Champions']);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
