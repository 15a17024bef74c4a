import type { Page } from 'playwright-core';

/** The mark the client sets once every tile of a dashboard has settled. */
const READY_MARK = 'rapport:dashboard-ready';
const SETTLED = 60_000;

export const tileSelector = (name: string) => `.tile[data-tile="${name}"]`;

/**
 * Opens a dashboard and waits until every tile has settled; answers the time from navigation
 * start to that moment, as the page measured it.
 */
export async function openDashboard(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForSelector('.dashboard[data-state="ready"]', { timeout: SETTLED });
  return page.evaluate((mark) => performance.getEntriesByName(mark)[0]?.startTime ?? Number.NaN, READY_MARK);
}

/** Waits for the dashboard to go through loading (after a filter change) and settle again. */
export async function waitSettled(page: Page): Promise<void> {
  await page.waitForSelector('.dashboard[data-state="ready"]', { timeout: SETTLED });
  await page.waitForSelector('.tile[data-state="loading"]', { state: 'detached', timeout: SETTLED });
}

export async function waitTile(page: Page, name: string): Promise<void> {
  await page.waitForSelector(`${tileSelector(name)}:not([data-state="loading"])`, { timeout: SETTLED });
}

export interface TileOnPage {
  readonly name: string;
  readonly chart: string;
  readonly state: string;
  /** Data marks drawn in its SVG (bars, points, cells, lines, areas) that cover some area. */
  readonly marks: number;
  readonly error: string;
}

export function tilesOnPage(page: Page): Promise<TileOnPage[]> {
  return page.$$eval('.tile', (tiles) =>
    tiles.map((t) => {
      return {
        name: t.getAttribute('data-tile') ?? '',
        chart: t.getAttribute('data-chart') ?? '',
        state: t.getAttribute('data-state') ?? '',
        // A bar drawn zero wide is in the SVG but not on the screen: count what covers an area.
        marks: [
          ...t.querySelectorAll(
            '.vega-embed svg g.role-mark > path, .vega-embed svg g.role-mark > rect, .vega-embed svg g.role-mark > symbol',
          ),
        ].filter((m) => {
          // Runs in the page: an SVG element has getBBox (the tests' types know no DOM).
          const box = (m as unknown as { getBBox(): { width: number; height: number } }).getBBox();
          return box.width > 0 && box.height > 0;
        }).length,
        error: [...t.querySelectorAll('.state-error p')].map((p) => p.textContent).join(': '),
      };
    }),
  );
}

/** A KPI's exact value as its tooltip gives it (the headline shows it compact: €24.4M). */
export async function kpiValue(page: Page, tile: string): Promise<string> {
  return (await page.locator(`${tileSelector(tile)} .kpi-value`).getAttribute('title')) ?? '';
}

/** A KPI's headline as shown: compact, with its unit. */
export async function kpiShown(page: Page, tile: string): Promise<string> {
  return (await page.locator(`${tileSelector(tile)} .kpi-value`).textContent()) ?? '';
}

/** The labels along a chart's x axis, in drawing order. */
export function xAxisLabels(page: Page, tile: string): Promise<string[]> {
  return page
    .locator(`${tileSelector(tile)} g.role-axis[aria-label^="X-axis"] g.role-axis-label text`)
    .allTextContents();
}
