import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TileResult } from '../../src/dashboards/run-tile';
import { DEMO_NOW } from '../helpers/demo';
import { svgText } from '../server/svg-text';
import { ARTIFACTS, screenshot } from './support/artifacts';
import { launchChromium, watchedPage } from './support/browser';
import { openDashboard, tileSelector, waitTile } from './support/dashboard-page';
import { type DemoServer, startDemoServer } from './support/server';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "last 12 months" at the demo's clock, in words: the twelve whole months before this one. */
function last12Months(): string {
  const month = (offset: number) => {
    const d = new Date(Date.UTC(DEMO_NOW.getUTCFullYear(), DEMO_NOW.getUTCMonth() + offset, 1));
    return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  };
  return `${month(-12)} – ${month(-1)}`;
}

/** A PNG's pixel size, from its header. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

// The page script below runs in the browser; the tests compile without the DOM's types.
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    drawImage(image: PageImage, x: number, y: number): void;
    getImageData(
      x: number,
      y: number,
      w: number,
      h: number,
    ): { data: Uint8ClampedArray; width: number; height: number };
  } | null;
}
interface PageImage {
  src: string;
  readonly naturalWidth: number;
  readonly naturalHeight: number;
  decode(): Promise<void>;
}
declare const Image: new () => PageImage;
declare const document: { createElement(tag: 'canvas'): PageCanvas };

/**
 * What a PNG shows, read by the browser: how many bands of dark ink it has from top to bottom
 * (a line of text is one band), and how many pixels are of a given colour.
 */
async function inkOf(page: Page, png: Buffer, colour: string) {
  return page.evaluate(
    async ({ b64, colour }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const g = canvas.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const { data, width, height } = g.getImageData(0, 0, canvas.width, canvas.height);
      const want = [1, 3, 5].map((i) => Number.parseInt(colour.slice(i, i + 2), 16));
      let bands = 0;
      let inBand = false;
      let coloured = 0;
      for (let y = 0; y < height; y++) {
        let ink = false;
        for (let x = 0; x < width; x++) {
          const i = (y * width + x) * 4;
          const [r, gr, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
          if (r + gr + b < 3 * 200) ink = true;
          if (Math.abs(r - want[0]!) + Math.abs(gr - want[1]!) + Math.abs(b - want[2]!) < 12) coloured++;
        }
        if (ink && !inBand) bands++;
        inBand = ink;
      }
      return { bands, coloured };
    },
    { b64: png.toString('base64'), colour },
  );
}

/** The page's colours of good and bad news (base.css). */
const TONE = { good: '#12915a', bad: '#d23c3c' } as const;

/**
 * A tile exported from its menu reads on its own: a KPI's PNG and SVG carry its title, the
 * dashboard, the value with its unit, the window and the comparisons in the colour of their
 * news; a chart's SVG its title, dashboard, period in words and filters; the CSV is for people
 * by default, raw values on request.
 */
describe('tile exports from the tile menu', () => {
  let server: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const exported = async (page: Page, tile: string, label: string) => {
    await page.locator(`${tileSelector(tile)} .icon-button`).click();
    const download = page.waitForEvent('download');
    await page.locator('.menu-item', { hasText: label }).click();
    const file = await download;
    const bytes = readFileSync(await file.path());
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, `export-${file.suggestedFilename()}`), bytes);
    return { name: file.suggestedFilename(), bytes };
  };

  it('a KPI exports as the card reads: title, value with unit, window, comparisons in colour', async () => {
    const query = 'period=this%20year';
    const tile = await server.getJson<TileResult>(
      `/v1/dashboards/sales-executive/tiles/revenue.json?${query}`,
    );
    const kpi = tile.kpi!;
    const w = await watchedPage(browser);
    try {
      await openDashboard(w.page, `${server.url}/dashboards/sales-executive?${query}`);
      const svg = await exported(w.page, 'revenue', 'Download SVG');
      expect(svg.name).toBe('sales-executive-revenue.svg');
      const text = svgText(svg.bytes.toString('utf8')).join('\n');
      expect(text).toContain('Revenue');
      expect(text).toContain('Executive sales');
      // The headline as the card shows it (compact, in euros), and the exact amount.
      const millions = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(kpi.value! / 1e6);
      expect(text).toContain(`€${millions}M`);
      const exact = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      expect(text).toContain(`€${exact.format(kpi.value!)}`);
      expect(kpi.window!.to_date).toBe(true);
      expect(text).toContain(`${kpi.window!.label} (to date)`);
      expect(kpi.comparisons.length).toBeGreaterThan(0);
      for (const c of kpi.comparisons) {
        const pct = `${Math.abs(c.delta! * 100).toFixed(1)}%`;
        expect(text).toContain(`${c.delta! > 0 ? '▲ +' : '▼ −'}${pct}`);
        expect(text).toContain(`vs ${c.window.label}`);
      }

      const png = await exported(w.page, 'revenue', 'Download PNG');
      expect(png.name).toBe('sales-executive-revenue.png');
      const size = pngSize(png.bytes);
      const svgRoot = /<svg[^>]*\bwidth="(\d+)"[^>]*\bheight="(\d+)"/.exec(svg.bytes.toString('utf8'))!;
      // The same picture at twice the pixels, at least as wide as the card's comparison lines.
      expect(size).toEqual({ width: 2 * Number(svgRoot[1]), height: 2 * Number(svgRoot[2]) });
      expect(size.width).toBeGreaterThanOrEqual(2 * 360);
      // A bare number is one band of ink; the export has the title, the dashboard, the value,
      // the exact value, the window and a line per comparison, the change in its news' colour.
      const tone = kpi.comparisons[0]!.tone as 'good' | 'bad';
      const ink = await inkOf(w.page, png.bytes, TONE[tone]);
      expect(ink.bands).toBeGreaterThanOrEqual(5 + kpi.comparisons.length);
      expect(ink.coloured).toBeGreaterThan(50);
      expect(w.problems).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('a chart exports with its title, the dashboard, the period in words and its filters', async () => {
    const w = await watchedPage(browser);
    try {
      await openDashboard(w.page, `${server.url}/dashboards/sales-executive?region=Northern+Europe`);
      const svg = await exported(w.page, 'revenue_by_region', 'Download SVG');
      expect(svg.name).toBe('sales-executive-revenue_by_region.svg');
      expect(svg.bytes.toString('utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      const lines = svgText(svg.bytes.toString('utf8'));
      expect(lines).toContain('Revenue by region');
      expect(lines).toContain(`Executive sales · ${last12Months()}`);
      expect(lines).toContain('Filtered by Region: Northern Europe');
      expect(lines).toContain('Units: Revenue in €');

      const png = await exported(w.page, 'revenue_by_region', 'Download PNG');
      expect(pngSize(png.bytes).height).toBeGreaterThan(0);

      // The CSV reads for people by default; the raw form is still there for scripts.
      const csv = await exported(w.page, 'revenue_by_region', 'Download CSV');
      expect(csv.name).toBe('sales-executive-revenue_by_region.csv');
      const human = csv.bytes
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n');
      expect(human[0]).toBe('Region,Revenue (€)');
      expect(human.slice(1).map((l) => l.split(',')[0])).toEqual(['Northern Europe']);
      const raw = await exported(w.page, 'revenue_by_region', 'CSV (raw values)');
      expect(raw.bytes.toString('utf8').split('\n')[0]).toBe('customers.region,orders.revenue');
      await screenshot(w.page, 'exports-sales-executive');
      expect(w.problems).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('a drilled chart exports the level it shows and says where it is drilled', async () => {
    const top = await server.getJson<TileResult>(
      '/v1/dashboards/sales-executive/tiles/revenue_by_region.json',
    );
    const region = String(top.data.find((r) => r['customers.region'] !== null)!['customers.region']);
    const w = await watchedPage(browser);
    try {
      await openDashboard(w.page, `${server.url}/dashboards/sales-executive`);
      await w.page
        .locator(`${tileSelector('revenue_by_region')} g.role-mark > path[aria-label^="Region: ${region};"]`)
        .click();
      await w.page.waitForSelector(`${tileSelector('revenue_by_region')} .tile-breadcrumb`);
      await waitTile(w.page, 'revenue_by_region');
      const svg = await exported(w.page, 'revenue_by_region', 'Download SVG');
      const lines = svgText(svg.bytes.toString('utf8'));
      expect(lines).toContain(`Executive sales · ${last12Months()}`);
      expect(lines).toContain(`Drilled into ${region}`);
      expect(w.problems).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
