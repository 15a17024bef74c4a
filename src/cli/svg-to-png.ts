import { existsSync } from 'node:fs';

/** Where Debian's Chromium lives; CHROMIUM_PATH overrides. Nothing is ever downloaded. */
export function chromiumPath(): string | undefined {
  const path = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  return existsSync(path) ? path : undefined;
}

export interface PngRenderer {
  render(svg: string, width: number, height: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Rasterises SVGs in a headless Chromium already on the machine (vega's own PNG path needs the
 * native `canvas` package, which would have to be compiled or downloaded). Undefined when there
 * is no browser.
 */
export async function pngRenderer(): Promise<PngRenderer | undefined> {
  const executablePath = chromiumPath();
  if (!executablePath) return undefined;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ deviceScaleFactor: 2 });
  return {
    async render(svg, width, height) {
      await page.setViewportSize({ width, height });
      await page.setContent(`<html><body style="margin:0;background:white">${svg}</body></html>`);
      return page.locator('svg').first().screenshot({ type: 'png' });
    },
    close: () => browser.close(),
  };
}
