import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** A page as an image and as a document, or why there are none. */
export type Rendered = { png: Buffer; pdf: Buffer } | { missing: string };

/** The width the page is laid out at: a dashboard's 12 columns at 100 px each. */
export const PAGE_WIDTH = 1240;

/**
 * Renders self-contained HTML (inline SVG, no external resources) to PNG and PDF with the
 * system Chromium (playwright-core drives it; no browser is downloaded). A missing or broken
 * Chromium is not an error of the delivery: the message goes out without images and says why.
 */
export async function renderPage(html: string, executablePath: string): Promise<Rendered> {
  if (!existsSync(executablePath))
    return {
      missing: `images left out: Chromium is not installed at ${executablePath} (set RAPPORT_CHROMIUM)`,
    };
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    browser = await chromium.launch({
      executablePath,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
      ],
      timeout: 30_000,
    });
    const page = await browser.newPage({ viewport: { width: PAGE_WIDTH, height: 800 } });
    // Nothing may leave the machine: the HTML is complete as it is.
    await page.route('**/*', (route) =>
      route.request().url().startsWith('data:') ? route.continue() : route.abort(),
    );
    await page.setContent(html, { waitUntil: 'load' });
    const png = await page.screenshot({ fullPage: true, type: 'png' });
    await page.emulateMedia({ media: 'screen' });
    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true, scale: 0.7 });
    return { png, pdf };
  } catch (e) {
    return { missing: `images left out: Chromium failed to render (${(e as Error).message.split('\n')[0]})` };
  } finally {
    await browser?.close().catch(() => undefined);
  }
}
