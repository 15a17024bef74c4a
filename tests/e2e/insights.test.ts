import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  normalized,
  queryFromSearch,
  queryUrl,
  requestBody,
} from '../../src/dashboards/web/client/insights/state';
import { screenshot } from './support/artifacts';
import { launchChromium, watchedPage } from './support/browser';
import { type DemoServer, startDemoServer } from './support/server';

/** The report's rows as the page's table shows them: one record per row, by column name. */
async function tableRows(page: Page): Promise<Record<string, string>[]> {
  return page.$$eval('.insight-rows table', ([table]) => {
    if (!table) return [];
    const names = [...table.querySelectorAll('thead th')].map((th) => th.getAttribute('title') ?? '');
    return [...table.querySelectorAll('tbody tr')].map((tr) =>
      Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [names[i], td.textContent ?? ''])),
    );
  });
}

/** Data marks drawn in the chart that cover some area (a zero-wide bar is not on the screen). */
function chartMarks(page: Page): Promise<number> {
  return page.$$eval(
    '.insight-chart svg g.role-mark > path, .insight-chart svg g.role-mark > rect, .insight-chart svg g.role-mark > symbol',
    (marks) =>
      marks.filter((m) => {
        const box = (m as unknown as { getBBox(): { width: number; height: number } }).getBBox();
        return box.width > 0 && box.height > 0;
      }).length,
  );
}

async function settled(page: Page, state: 'ready' | 'error' = 'ready'): Promise<void> {
  await page.waitForSelector(`.insights[data-state="${state}"]`, { timeout: 30_000 });
}

/** "12,345" as the table shows a count → 12345. */
const count = (text: string | undefined) => Number((text ?? '').replace(/[^\d.-]/g, ''));

const RANGE = {
  member: 'web_events.occurred_at',
  operator: 'inDateRange',
  values: ['2025-10-01', '2026-03-31'],
};

interface TrendsAnswer {
  series: { label: string; labels: string[]; data: number[] }[];
}
interface FunnelAnswer {
  steps: { step: string; actors: number; conversion_from_first: number }[];
}

describe('an insight query', () => {
  it('round-trips through the URL and becomes the report body', () => {
    const q = normalized({
      insight: 'funnel',
      events: ['visit', ' view_product ', 'purchase'],
      breakdown: 'customers.region',
      from: '2025-10-01',
      to: '2026-03-31',
      actor: 'person', // not a funnel actor: the funnel's default instead
    });
    const url = new URL(queryUrl(q), 'http://x');
    expect(url.pathname).toBe('/insights');
    expect(queryFromSearch(url.search)).toEqual(q);
    expect(requestBody(q)).toEqual({
      steps: ['visit', 'view_product', 'purchase'],
      actor: 'customer_then_anonymous',
      breakdown: 'customers.region',
      filters: [
        { member: 'web_events.occurred_at', operator: 'inDateRange', values: ['2025-10-01', '2026-03-31'] },
      ],
    });
    // Retention has no breakdown here and takes its two events by name; one date alone is no range.
    expect(
      requestBody(
        normalized({ insight: 'retention', events: ['a', 'b'], breakdown: 'x', from: '2025-01-01' }),
      ),
    ).toEqual({ start_event: 'a', return_event: 'b', period: 'week', actor: 'person', filters: [] });
    expect(queryFromSearch('?q=not-json')).toBeUndefined();
  });
});

describe('the insights page in a real browser', () => {
  let server: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws a trend from the URL, runs a 3-step funnel, shows a 400 for an unknown event, and keeps the query over Back and reload', async () => {
    const w = await watchedPage(browser);
    try {
      const page = w.page;
      const trends = {
        insight: 'trends',
        events: ['page_view', 'purchase'],
        interval: 'month',
        math: 'unique',
        actor: 'person',
        from: '2025-10-01',
        to: '2026-03-31',
      };
      await page.goto(`${server.url}/insights?q=${encodeURIComponent(JSON.stringify(trends))}`);
      await settled(page);
      expect(await chartMarks(page)).toBeGreaterThan(0);
      const api = await server.postJson<TrendsAnswer>('/v1/reports/trends', {
        series: ['page_view', 'purchase'],
        math: 'unique',
        interval: 'month',
        actor: 'person',
        filters: [RANGE],
      });
      const expected = api.series.flatMap((s) =>
        s.labels.map((period, i) => ({ series: s.label, period, value: s.data[i] })),
      );
      const rows = await tableRows(page);
      expect(rows).toHaveLength(expected.length);
      expect(expected.length).toBe(12);
      expect(
        rows.map((r) => ({ series: r['series'], period: r['period'], value: count(r['value']) })),
      ).toEqual(expected);
      await expect(page.locator('.insight-summary').textContent()).resolves.toBe(
        'Unique persons per month, from 1 Oct 2025 to 31 Mar 2026.',
      );
      await screenshot(page, 'insights-trends');
      // The event boxes suggest the events present.
      const suggested = await page.$$eval('#insight-event-list option', (os) =>
        os.map((o) => o.getAttribute('value')),
      );
      expect(suggested).toContain('purchase');

      // A funnel of three steps, typed into the form.
      await page.locator('.insight-tab[data-insight="funnel"]').click();
      const steps = page.locator('input[name="event"]');
      await expect(steps.count()).resolves.toBe(2);
      await steps.nth(0).fill('visit');
      await steps.nth(1).fill('view_product');
      await page.locator('.add-event').click();
      await steps.nth(2).fill('purchase');
      await page.locator('.insight-form button[type="submit"]').click();
      await page.waitForURL((u) => u.searchParams.get('q')?.includes('"funnel"') ?? false);
      await settled(page);
      const funnelApi = await server.postJson<FunnelAnswer>('/v1/reports/funnel', {
        steps: ['visit', 'view_product', 'purchase'],
        actor: 'customer_then_anonymous',
        filters: [RANGE],
      });
      const funnelRows = await tableRows(page);
      expect(funnelRows.map((r) => [r['step'], count(r['actors'])])).toEqual(
        funnelApi.steps.map((s) => [s.step, s.actors]),
      );
      expect(funnelApi.steps[2]!.actors).toBeGreaterThan(0);
      expect(await chartMarks(page)).toBe(3);
      const funnelUrl = page.url();
      await screenshot(page, 'insights-funnel');

      // An unknown event: the API's 400 message on the page.
      await steps.nth(1).fill('no_such_event');
      await page.locator('.insight-form button[type="submit"]').click();
      await settled(page, 'error');
      const refused = await fetch(`${server.url}/v1/reports/funnel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          steps: ['visit', 'no_such_event', 'purchase'],
          actor: 'customer_then_anonymous',
          filters: [RANGE],
        }),
      });
      expect(refused.status).toBe(400);
      const message = ((await refused.json()) as { message: string }).message;
      expect(message).toContain('no_such_event');
      await expect(page.locator('.insight-result .error-message').textContent()).resolves.toBe(message);
      await screenshot(page, 'insights-error');

      // Back shows the funnel again; a reload of that address too.
      await page.goBack();
      await page.waitForURL(funnelUrl);
      await settled(page);
      expect((await tableRows(page)).map((r) => count(r['actors']))).toEqual(
        funnelApi.steps.map((s) => s.actors),
      );
      await expect(page.locator('input[name="event"]').nth(1).inputValue()).resolves.toBe('view_product');
      await page.reload();
      await settled(page);
      expect(page.url()).toBe(funnelUrl);
      expect((await tableRows(page)).map((r) => count(r['actors']))).toEqual(
        funnelApi.steps.map((s) => s.actors),
      );
      await expect(page.locator('.insight-tab.is-active').textContent()).resolves.toBe('Funnel');
      // The browser logs the refused request itself; nothing else may go wrong.
      expect(w.problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    } finally {
      await w.close();
    }
  }, 60_000);

  it('draws each other insight, and a breakdown, with its rows', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['retention', { insight: 'retention', events: ['signup_completed', 'purchase'], interval: 'month' }],
      ['stickiness', { insight: 'stickiness', events: ['page_view'], interval: 'week' }],
      ['lifecycle', { insight: 'lifecycle', events: ['page_view'], interval: 'month' }],
      ['paths', { insight: 'paths', events: ['visit'], steps: 3 }],
      [
        'funnel-breakdown',
        {
          insight: 'funnel',
          events: ['view_product', 'add_to_cart', 'purchase'],
          breakdown: 'web_events.properties.$device_type',
        },
      ],
    ];
    // Side by side: the reports run at once, so the whole takes about as long as the slowest.
    await Promise.all(
      cases.map(async ([name, q]) => {
        const w = await watchedPage(browser);
        try {
          const page = w.page;
          const query = { ...q, from: '2025-10-01', to: '2026-03-31' };
          await page.goto(`${server.url}/insights?q=${encodeURIComponent(JSON.stringify(query))}`);
          await settled(page);
          expect(await chartMarks(page), name).toBeGreaterThan(0);
          expect((await tableRows(page)).length, name).toBeGreaterThan(0);
          await screenshot(page, `insights-${name}`);
          expect(w.problems).toEqual([]);
        } finally {
          await w.close();
        }
      }),
    );
  }, 45_000);
});
