import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/artifacts';
import { launchChromium, type WatchedPage, watchedPage } from './support/browser';
import { type DemoServer, startDemoServer } from './support/server';

const QUERY = { measures: ['orders.count'], dimensions: ['customers.type'] };
const NAME = 'Orders by customer type (e2e)';

interface Question {
  id: string;
  name: string;
  description: string | null;
  query: Record<string, unknown>;
  chart: Record<string, unknown>;
}

describe('saved questions in the browser', () => {
  let server: DemoServer;
  let browser: Browser;
  let tab: WatchedPage;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
    tab = await watchedPage(browser);
  }, 60_000);
  afterAll(async () => {
    await tab?.close();
    await browser?.close();
    await server?.close();
  });

  it('saves an Explore query, finds it on /questions and opens it again', async () => {
    const { page } = tab;
    await page.goto(`${server.url}/explore?query=${encodeURIComponent(JSON.stringify(QUERY))}`);
    await page.waitForSelector('.explore[data-state="ready"]', { timeout: 30_000 });
    const rowsFirst = await page.locator('.results table tbody tr').count();

    await page.getByRole('button', { name: 'Save as question…' }).click();
    await page.getByLabel('Question name').fill(NAME);
    await page.getByLabel('Question description').fill('B2B against B2C');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForSelector('.save-status:has-text("Saved")');
    await screenshot(page, 'questions-explore-saved');

    // What the page saved, read back from the API: the query as built, the chart's measure.
    const { data } = await server.getJson<{ data: Question[] }>('/v1/questions');
    expect(data.map((q) => q.name)).toEqual([NAME]);
    const saved = data[0]!;
    expect(saved.query).toMatchObject(QUERY);
    expect(saved.chart).toEqual({ measure: 'orders.count' });
    expect(saved.description).toBe('B2B against B2C');
    expect(new URL(page.url()).searchParams.get('question')).toBe(saved.id);

    await page.goto(`${server.url}/questions`);
    await page.getByRole('searchbox', { name: 'Search questions' }).fill('customer type');
    await page.waitForSelector(`.question-row[data-question="${saved.id}"]`);
    expect(await page.locator('.question-row').count()).toBe(1);
    await screenshot(page, 'questions-list');
    await page.getByRole('searchbox', { name: 'Search questions' }).fill('no such question');
    await page.waitForSelector('.questions-list:has-text("No question matches")');

    await page.goto(`${server.url}/questions`);
    await page.locator(`.question-row[data-question="${saved.id}"] a.button`).click();
    await page.waitForSelector('.explore[data-state="ready"]', { timeout: 30_000 });
    expect(await page.locator('.page-header h1').textContent()).toBe(NAME);
    // The answer the opened question shows has a row per customer type, as /v1/query answers it.
    const direct = await server.postJson<{ data: unknown[] }>('/v1/query', { query: QUERY });
    expect(await page.locator('.results table tbody tr').count()).toBe(direct.data.length);
    expect(rowsFirst).toBe(direct.data.length);
    await screenshot(page, 'questions-explore-opened');
    expect(tab.problems).toEqual([]);
  }, 60_000);
});
