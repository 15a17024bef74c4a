import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalized, queryUrl, requestBody } from '../../src/dashboards/web/client/insights/state';
import { screenshot } from './support/artifacts';
import { launchChromium, watchedPage } from './support/browser';
import { type DemoServer, startDemoServer } from './support/server';

interface Listed {
  segment_id: string;
  name: string;
  member_count: number;
  definition: Record<string, unknown>;
}

describe('insights page: a path saved as a target group', () => {
  let server: DemoServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('saves the second path from its row: the definition holds the page’s query and the path', async () => {
    const w = await watchedPage(browser);
    try {
      const page = w.page;
      const q = normalized({
        insight: 'paths',
        events: ['visit'],
        steps: 3,
        from: '2025-10-01',
        to: '2026-03-31',
      });
      await page.goto(`${server.url}${queryUrl(q)}`);
      await page.waitForSelector('.insights[data-state="ready"], .insights[data-state="error"]', {
        timeout: 45_000,
      });
      expect(
        await page.locator('.insights').getAttribute('data-state'),
        (await page.locator('.insight-result').textContent()) ?? '',
      ).toBe('ready');
      const item = page.locator('.save-path').nth(1);
      const path = (await item.locator('strong').textContent()) ?? '';
      expect(path).toMatch(/^visit → /);
      await item.getByRole('button', { name: `Save ${path} as target group` }).click();
      await item.getByLabel('Target group name').fill('Second path e2e');
      await item.getByRole('button', { name: 'Save', exact: true }).click();
      const status = item.locator('.segment-status.is-success');
      await status.waitFor({ timeout: 30_000 });
      await screenshot(page, 'insights-save-path');
      const shown = Number(
        ((await status.textContent()) ?? '').match(/: ([\d,]+) customers/)?.[1]?.replace(/,/g, ''),
      );

      const { data } = await server.getJson<{ data: Listed[] }>('/v1/segments?search=Second%20path%20e2e');
      expect(data).toHaveLength(1);
      const saved = data[0]!;
      // The definition is the page's report body and the row's steps, so a refresh recomputes it.
      expect(saved.definition).toEqual({ source: 'paths', params: requestBody(q), path: path.split(' → ') });
      const members = (
        await server.app.inject({
          method: 'GET',
          url: `/v1/segments/${saved.segment_id}/members`,
          headers: { accept: 'application/json' },
        })
      ).json() as { data: { customer_id: string }[] };
      expect(members.data.length).toBeGreaterThan(0);
      expect(shown).toBe(members.data.length);
      expect(saved.member_count).toBe(members.data.length);
      expect(w.problems).toEqual([]);
    } finally {
      await w.close();
    }
  }, 90_000);
});
