import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlationRows, durationWords } from '../../src/dashboards/web/client/insights/funnel-result';
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

/** Waits for the page to settle, ready or in error; a page settled the other way fails with what it shows. */
async function settled(page: Page, state: 'ready' | 'error' = 'ready', timeout = 30_000): Promise<void> {
  await page.waitForSelector('.insights[data-state="ready"], .insights[data-state="error"]', { timeout });
  const root = page.locator('.insights');
  const got = await root.getAttribute('data-state');
  if (got !== state) {
    const shown = ((await root.textContent()) ?? '').replace(/\s+/g, ' ').slice(0, 300);
    expect.fail(`the insights page settled ${got}, not ${state}: ${shown}`);
  }
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
    // Retention takes its two events by name and a breakdown; one date alone is no range.
    expect(
      requestBody(
        normalized({ insight: 'retention', events: ['a', 'b'], breakdown: 'x', from: '2025-01-01' }),
      ),
    ).toEqual({
      start_event: 'a',
      return_event: 'b',
      period: 'week',
      actor: 'person',
      filters: [],
      breakdown: 'x',
    });
    expect(queryFromSearch('?q=not-json')).toBeUndefined();
  });

  it('normalizes the funnel, trend, retention and paths options into the report parameters', () => {
    const funnel = normalized({
      insight: 'funnel',
      events: ['visit', 'view_product', 'purchase'],
      window: ' 36H ',
      mode: 'strict',
      exclusions: [
        { event: 'search', from: 1, to: 2 },
        { event: 'checkout', from: 3, to: 2 }, // to before from: the bound dropped
        { event: 'x', from: 9 }, // no such step: dropped
        { event: ' ' }, // no event: the exclusion dropped
      ],
      overTime: 'week',
      timeToConvert: true,
      correlation: true,
      correlationProperties: ['properties.$browser', 'customers.region', 'properties.$browser'],
    });
    expect(requestBody(funnel)).toEqual({
      steps: ['visit', 'view_product', 'purchase'],
      window: '36h',
      mode: 'strict',
      exclusions: [
        { event: 'search', from_step: 1, to_step: 2 },
        { event: 'checkout', from_step: 3 },
        { event: 'x' },
      ],
      conversion_over_time: 'week',
      time_to_convert_bins: 20,
      correlation: true,
      correlation_properties: ['properties.$browser', 'customers.region'],
      actor: 'customer_then_anonymous',
      filters: [],
    });
    // The defaults (7d, ordered) and properties without correlation are not sent; a bad window falls back.
    expect(
      requestBody(
        normalized({
          insight: 'funnel',
          events: ['a', 'b'],
          window: '7d',
          mode: 'ordered',
          correlationProperties: ['p'],
        }),
      ),
    ).toEqual({ steps: ['a', 'b'], actor: 'customer_then_anonymous', filters: [] });
    expect(normalized({ insight: 'funnel', events: ['a', 'b'], window: 'a week' }).window).toBeUndefined();
    // A trend series' condition: `plan` is the property web_events.properties.plan.
    expect(
      requestBody(
        normalized({
          insight: 'trends',
          events: ['visit', 'purchase'],
          where: [null, { property: 'plan', value: 'pro' }],
        }),
      ).series,
    ).toEqual([
      'visit',
      {
        event: 'purchase',
        filters: [{ member: 'web_events.properties.plan', operator: 'equals', values: ['pro'] }],
        label: 'purchase where plan = pro',
      },
    ]);
    expect(
      requestBody(normalized({ insight: 'retention', events: ['a', 'b'], retentionType: 'recurring' })).type,
    ).toBe('recurring');
    expect(
      requestBody(
        normalized({
          insight: 'paths',
          events: ['purchase'],
          pathEnd: true,
          excludeEvents: ['page_view', ''],
        }),
      ),
    ).toEqual({
      end_event: 'purchase',
      steps: 4,
      limit: 15,
      exclude_events: ['page_view'],
      actor: 'person',
      filters: [],
    });
  });
});

describe('the funnel correlation table', () => {
  it('merges events and property values, most telling first (largest |log odds ratio|), p-values in words', () => {
    const cell = { success_with: 1, failure_with: 1, direction: 'success' as const, significant: false };
    const rows = correlationRows({
      as_of: null,
      window: { text: '7d', seconds: 604_800 },
      steps: [],
      correlation: {
        successes: 10,
        failures: 20,
        events: [
          { ...cell, event: 'a', odds_ratio: 2, p_value: 0.0123456 },
          {
            ...cell,
            event: 'b',
            odds_ratio: 0.25,
            p_value: 0.00001,
            direction: 'failure',
            significant: true,
          },
        ],
        properties: [
          { ...cell, property: 'web_events.properties.plan', value: null, odds_ratio: 3, p_value: 0.5 },
        ],
      },
    });
    // |ln 0.25| = 1.39 > |ln 3| = 1.10 > |ln 2| = 0.69.
    expect(
      rows.map((r) => [r['variable'], r['kind'], r['p_value'], r['significant'], r['direction']]),
    ).toEqual([
      ['b', 'Event', '< 0.0001', 'yes', 'less conversion'],
      ['plan = (none)', 'Property', '0.5', 'no', 'more conversion'],
      ['a', 'Event', '0.012', 'no', 'more conversion'],
    ]);
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

  it('names the incomplete first and last weeks of a trend without a range, and draws their points hollow', async () => {
    const w = await watchedPage(browser);
    try {
      // Without a range: the summary names the incomplete ends as the API flags them (the week
      // the data begins in, the week of as_of), and the chart draws their points hollow.
      const page = w.page;
      const weekly = { insight: 'trends', events: ['page_view'], interval: 'week', math: 'unique' };
      await page.goto(`${server.url}/insights?q=${encodeURIComponent(JSON.stringify(weekly))}`);
      await settled(page);
      const flags = (
        await server.postJson<{ series: { partial: boolean[] }[] }>('/v1/reports/trends', {
          series: ['page_view'],
          math: 'unique',
          interval: 'week',
          actor: 'person',
        })
      ).series[0]!.partial;
      const [first, last] = [flags[0]!, flags.at(-1)!];
      const summary = (await page.locator('.insight-summary').textContent()) ?? '';
      expect(summary.includes('The first and the last week are incomplete')).toBe(first && last);
      expect(summary.includes('The first week is incomplete')).toBe(first && !last);
      expect(summary.includes('The last week is incomplete')).toBe(last && !first);
      const hollow = await page.$$eval(
        '.insight-chart svg g.role-mark > path',
        (marks) => marks.filter((m) => m.getAttribute('fill') === 'transparent').length,
      );
      expect(hollow).toBe(flags.filter(Boolean).length);
      expect(w.problems).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('builds a funnel with an exclusion, a breakdown and correlation; its rows are the API’s for the URL’s body, and a reload keeps it', async () => {
    const w = await watchedPage(browser);
    try {
      const page = w.page;
      const start = {
        insight: 'funnel',
        events: ['visit', 'view_product', 'purchase'],
        from: '2025-10-01',
        to: '2026-03-31',
      };
      await page.goto(`${server.url}/insights?q=${encodeURIComponent(JSON.stringify(start))}`);
      await settled(page);
      await page.locator('input[name="breakdown"]').fill('web_events.properties.$device_type');
      await page.locator('.add-exclusion').click();
      await page.locator('input[name="excl_event"]').fill('search');
      await page.locator('select[name="excl_to"]').selectOption('2');
      await page.locator('input[name="window"]').fill('14d');
      await page.locator('input[name="correlation"]').check();
      await page.locator('input[name="correlation_properties"]').fill('properties.$browser');
      await page.locator('.insight-form button[type="submit"]').click();
      await page.waitForURL((u) => u.searchParams.get('q')?.includes('"search"') ?? false);
      await settled(page);
      const q = queryFromSearch(new URL(page.url()).search)!;
      expect(q).toMatchObject({
        window: '14d',
        breakdown: 'web_events.properties.$device_type',
        exclusions: [{ event: 'search', to: 2 }],
        correlation: true,
        correlationProperties: ['properties.$browser'],
      });
      interface Answer {
        steps: { actors: number; customers: number }[];
        breakdown: { values: { value: string | null; steps: { step: string; actors: number }[] }[] };
        correlation: { events: { event: string }[]; properties: { value: unknown }[] };
      }
      const api = await server.postJson<Answer>('/v1/reports/funnel', requestBody(q));
      const expected = api.breakdown.values.flatMap((v) =>
        v.steps.map((st) => [v.value ?? '(none)', st.step, st.actors]),
      );
      const rows = await tableRows(page);
      expect(rows.map((r) => [r['breakdown'], r['step'], count(r['actors'])])).toEqual(expected);
      expect(new Set(expected.map((e) => e[0])).size).toBeGreaterThan(1);
      // Each actor is in one value: the values' step-1 actors add up to the whole funnel's.
      expect(api.breakdown.values.reduce((t, v) => t + v.steps[0]!.actors, 0)).toBe(api.steps[0]!.actors);
      // The exclusion leaves actors out: fewer enter than in the funnel without it.
      const plain = await server.postJson<Answer>('/v1/reports/funnel', {
        ...requestBody(q),
        exclusions: [],
      });
      expect(api.steps[0]!.actors).toBeLessThan(plain.steps[0]!.actors);
      const correlated = await page.$$eval('.insight-correlation tbody tr', (trs) => trs.length);
      expect(correlated).toBe(api.correlation.events.length + api.correlation.properties.length);
      expect(correlated).toBeGreaterThan(0);
      await expect(page.locator('.insight-summary').textContent()).resolves.toContain('within 14 days');
      await screenshot(page, 'insights-funnel-options');
      const url = page.url();
      await page.reload();
      await settled(page);
      expect(page.url()).toBe(url);
      expect((await tableRows(page)).map((r) => count(r['actors']))).toEqual(expected.map((e) => e[2]));
      await expect(page.locator('input[name="excl_event"]').inputValue()).resolves.toBe('search');
      await expect(page.locator('input[name="correlation"]').isChecked()).resolves.toBe(true);
      // Save the customers who reached step 2 (the whole funnel's): the group holds the step's customers.
      await page.locator('button[data-which="reached"][data-step="2"]').click();
      await page.locator('.insight-save-paths .segment-form button[type="submit"]').click();
      const saved = page.locator('.segment-status.is-success');
      await saved.waitFor({ timeout: 20_000 });
      expect(api.steps[1]!.customers).toBeGreaterThan(0);
      await expect(saved.textContent()).resolves.toContain(
        `${api.steps[1]!.customers.toLocaleString('en-GB')} customers`,
      );
      expect(w.problems).toEqual([]);
    } finally {
      await w.close();
    }
  }, 60_000);

  it('draws each other insight, and a breakdown, with its rows', async () => {
    const cases: [string, Record<string, unknown>][] = [
      [
        'retention-breakdown',
        {
          insight: 'retention',
          events: ['signup_completed', 'purchase'],
          interval: 'month',
          breakdown: 'customers.region',
        },
      ],
      [
        'trends-where',
        {
          insight: 'trends',
          events: ['page_view', 'page_view'],
          where: [null, { property: '$device_type', value: 'Mobile' }],
          interval: 'month',
        },
      ],
      [
        'funnel-views',
        {
          insight: 'funnel',
          events: ['visit', 'purchase'],
          overTime: 'month',
          timeToConvert: true,
        },
      ],
      [
        'lifecycle-breakdown',
        {
          insight: 'lifecycle',
          events: ['page_view'],
          interval: 'month',
          breakdown: 'web_events.properties.$device_type',
        },
      ],
      // (A funnel with a breakdown is the test above's.)
      [
        'stickiness',
        { insight: 'stickiness', events: ['page_view'], interval: 'week', breakdown: 'customers.region' },
      ],
      ['lifecycle', { insight: 'lifecycle', events: ['page_view'], interval: 'month' }],
      // (Paths are drawn and saved in insights-save-path.test.ts.)
    ];
    // Side by side: the reports run at once, so the whole takes about as long as the slowest.
    await Promise.all(
      cases.map(async ([name, q]) => {
        const w = await watchedPage(browser);
        try {
          const page = w.page;
          const query = { ...q, from: '2025-10-01', to: '2026-03-31' };
          await page.goto(`${server.url}/insights?q=${encodeURIComponent(JSON.stringify(query))}`);
          // Six reports and six pages at once on two cores (beside another test file): the last
          // to settle took 30 s on a slow machine, so this wait is longer (speed is the bench's).
          await settled(page, 'ready', 60_000);
          expect(await chartMarks(page), name).toBeGreaterThan(0);
          const rows = await tableRows(page);
          expect(rows.length, name).toBeGreaterThan(0);
          const body = requestBody(queryFromSearch(new URL(page.url()).search)!);
          if (name === 'retention-breakdown') {
            // The table's breakdown values and cohort sizes are the API's for the URL's body.
            const api = await server.postJson<{
              cohorts: { cohort: string; breakdown_value: string | null; size: number }[];
            }>('/v1/reports/retention', body);
            const seen = new Map(
              rows.map((r) => [`${r['cohort']}|${r['breakdown']}`, count(r['cohort_size'])]),
            );
            expect(seen).toEqual(
              new Map(api.cohorts.map((c) => [`${c.cohort}|${c.breakdown_value ?? '(none)'}`, c.size])),
            );
            expect(new Set(api.cohorts.map((c) => c.breakdown_value)).size).toBeGreaterThan(1);
            // Save the first cohort's customers who came back a month later (the default choice):
            // the whole cohort's, so the table's actors of that cell summed over the regions.
            const first = [...new Set(rows.map((r) => r['cohort']))].sort()[0];
            const returned = rows
              .filter((r) => r['cohort'] === first && r['period_offset'] === '1')
              .reduce((t, r) => t + count(r['actors']), 0);
            expect(returned).toBeGreaterThan(0);
            await page.locator('.save-cohort').click();
            await page.locator('.insight-save-retention .segment-form button[type="submit"]').click();
            const saved = page.locator('.insight-save-retention .segment-status.is-success');
            await saved.waitFor({ timeout: 20_000 });
            await expect(saved.textContent()).resolves.toContain(
              `: ${returned.toLocaleString('en-GB')} customers`,
            );
          }
          if (name === 'trends-where') {
            // A second formulation: the page_view series where $device_type = Mobile is the
            // Mobile value of page_view broken down by $device_type.
            const api = await server.postJson<{ series: { breakdown_value?: unknown; data: number[] }[] }>(
              '/v1/reports/trends',
              { ...body, series: ['page_view'], breakdown: 'web_events.properties.$device_type' },
            );
            const mobile = api.series.find((x) => x.breakdown_value === 'Mobile')!;
            const shown = rows.filter((r) => r['series_index'] === '1').map((r) => count(r['value']));
            expect(shown).toEqual(mobile.data);
            expect(shown.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
            const all = rows.filter((r) => r['series_index'] === '0').map((r) => count(r['value']));
            expect(all.every((v, i) => v > shown[i]!)).toBe(true);
          }
          if (name === 'funnel-views') {
            // Both extra views drew something: the over-time line and the histogram's bars.
            const drawn = await page.$$eval(
              '.insight-view .insight-chart svg g.role-mark > *',
              (m) => m.length,
            );
            expect(drawn).toBeGreaterThan(1);
            const api = await server.postJson<{
              over_time: { period: string; window_closed: boolean }[];
              time_to_convert: unknown[];
              steps: { median_seconds_to_step: number; p90_seconds_to_step: number }[];
            }>('/v1/reports/funnel', body);
            // The histogram's scale in words: the last step's median and 90th percentile.
            const last = api.steps.at(-1)!;
            await expect(page.locator('[data-note="time-to-convert"]').textContent()).resolves.toContain(
              `Median ${durationWords(last.median_seconds_to_step)}, 90% within ${durationWords(last.p90_seconds_to_step)}.`,
            );
            expect(api.over_time.length).toBe(6);
            expect(api.time_to_convert.length).toBeGreaterThan(0);
            // The range ends with March: its entrants of the last week had less than the 7-day
            // window before the data ends, and the page says so under the chart.
            expect(api.over_time.filter((p) => !p.window_closed).map((p) => p.period)).toEqual([
              '2026-03-01',
            ]);
            await expect(page.locator('[data-note="over-time"]').textContent()).resolves.toContain(
              'In Mar 2026 some entered less than 7 days before the data ends',
            );
          }
          await screenshot(page, `insights-${name}`);
          expect(w.problems).toEqual([]);
        } finally {
          await w.close();
        }
      }),
    );
    // The reports run together on a machine shared with other work: room for a slow one.
  }, 150_000);
});
