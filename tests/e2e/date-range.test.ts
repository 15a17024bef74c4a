import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage } from './support/browser';
import { openDashboard } from './support/dashboard-page';
import { type DemoServer, startDemoServer } from './support/server';

/** The period picker never drops typed dates silently: Escape discards them and says so. */
describe('the period picker in a real browser', () => {
  let server: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('closing with typed custom dates and no Apply leaves the period and says the range was not applied', async () => {
    const w = await watchedPage(browser);
    try {
      const page = w.page;
      await openDashboard(page, `${server.url}/dashboards/sales-executive`);
      const before = page.url();
      await page.locator('[data-filter="period"]').click();
      await page.locator('.custom-range input[name="from"]').fill('2025-02-01');
      await page.locator('.custom-range input[name="to"]').fill('2025-02-28');
      await page.keyboard.press('Escape');
      expect(page.url()).toBe(before);
      await expect(page.locator('.filter-notice').first().textContent()).resolves.toContain(
        'Period not changed: the custom range was not applied',
      );
      // Apply does apply: the URL and the filter button say the range.
      await page.locator('[data-filter="period"]').click();
      await page.locator('.custom-range input[name="from"]').fill('2025-02-01');
      await page.locator('.custom-range input[name="to"]').fill('2025-02-28');
      await page.locator('.custom-range button[type="submit"]').click();
      await page.waitForURL((u) => u.searchParams.get('period') === '2025-02-01..2025-02-28');
      expect(w.problems).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
