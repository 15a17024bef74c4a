import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDelta, formatNumber } from '../../src/dashboards/web/client/core/format';
import type { Engine } from '../../src/engine';
import { DEMO_NOW, loadDemo } from '../helpers/demo';
import { screenshot } from './support/artifacts';
import { launchChromium, watchedPage } from './support/browser';
import { kpiValue, openDashboard, tileSelector } from './support/dashboard-page';
import { type DemoServer, startDemoServer } from './support/server';

const COMPLETED = "status = 'completed' AND quantity > 0 AND unit_price >= 0";
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const spoken = (d: string) => `${MONTHS[Number(d.slice(5, 7)) - 1]} ${Number(d.slice(8, 10))}`;

/**
 * What the CFO sees on Executive sales: "This year" is the year to date against the same dates a
 * year earlier (numbers from SQL written here), and a window the data does not cover reads n/a
 * with the reason, never a percentage.
 */
describe('KPI comparisons in a real browser', () => {
  let server: DemoServer;
  let browser: Browser;
  let engine: Engine;

  beforeAll(async () => {
    [server, browser, { engine }] = await Promise.all([startDemoServer(), launchChromium(), loadDemo()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await engine?.close();
  });

  it('"This year" shows the year to date and its change against the same dates a year earlier', async () => {
    const year = DEMO_NOW.getUTCFullYear();
    const end = DEMO_NOW.toISOString().slice(0, 10);
    const last = new Date(DEMO_NOW.getTime() - 86_400_000).toISOString().slice(0, 10);
    const { rows } = await engine.query({
      text: `SELECT sum(revenue) FILTER (WHERE ordered_at >= $1::TIMESTAMP AND ordered_at < $2::TIMESTAMP)::DOUBLE AS now,
                    sum(revenue) FILTER (WHERE ordered_at >= $3::TIMESTAMP AND ordered_at < $4::TIMESTAMP)::DOUBLE AS before
             FROM fact_order_lines WHERE ${COMPLETED}`,
      params: [`${year}-01-01`, end, `${year - 1}-01-01`, `${year - 1}${end.slice(4)}`],
    });
    const [now, before] = [Number(rows[0]!['now']), Number(rows[0]!['before'])];
    const w = await watchedPage(browser);
    try {
      await openDashboard(w.page, `${server.url}/dashboards/sales-executive?period=this%20year`);
      const tile = w.page.locator(tileSelector('revenue'));
      expect(await kpiValue(w.page, 'revenue')).toBe(formatNumber(now, 'currency'));
      expect(await tile.locator('.kpi-window').textContent()).toBe(
        `Jan 1 – ${spoken(last)}, ${year} (to date)`,
      );
      const delta = tile.locator('.kpi-delta[data-kind="previous_year"]');
      expect(await delta.locator('.delta-value').textContent()).toBe(
        `${now > before ? '▲' : '▼'} ${formatDelta((now - before) / before)}`,
      );
      expect(await delta.locator('.delta-label').textContent()).toBe(
        `vs Jan 1 – ${spoken(last)}, ${year - 1}`,
      );
      expect(await delta.getAttribute('data-tone')).toBe(now > before ? 'good' : 'bad');
      // The previous period of a whole year is the year before: one comparison, not two.
      expect(await tile.locator('.kpi-delta').count()).toBe(1);
      await screenshot(w.page, 'kpi-this-year');
      expect(w.problems).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('a comparison with a window the data does not cover reads n/a with the reason', async () => {
    const first = String(
      (await engine.query('SELECT min(ordered_at)::DATE::VARCHAR AS d FROM fact_order_lines')).rows[0]!['d'],
    );
    const w = await watchedPage(browser);
    try {
      await openDashboard(w.page, `${server.url}/dashboards/sales-executive?period=last%2024%20months`);
      for (const name of ['revenue', 'orders', 'average_order_value', 'active_customers']) {
        const deltas = w.page.locator(`${tileSelector(name)} .kpi-delta`);
        expect(await deltas.count(), name).toBeGreaterThan(0);
        for (const d of await deltas.all()) {
          expect(await d.locator('.delta-value').textContent(), name).toBe('n/a');
          expect(await d.locator('.delta-reason').textContent(), name).toBe(
            `(no data before ${spoken(first)}, ${first.slice(0, 4)})`,
          );
          expect(await d.textContent(), name).not.toMatch(/%/);
        }
      }
      await screenshot(w.page, 'kpi-last-24-months');
      expect(w.problems).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
