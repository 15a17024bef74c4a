import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DuckDbEngine } from '../../src/engine';
import { type RunningCli, rapport, startRapport } from '../helpers/cli';
import { scratchDir } from '../helpers/warehouse';
import { screenshot } from './support/artifacts';
import { launchChromium, watchedPage } from './support/browser';
import { kpiShown, kpiValue, openDashboard } from './support/dashboard-page';

const ID = 'sales-executive';
const KPIS = ['revenue', 'orders', 'average_order_value', 'active_customers'];
const READY = /Open (http:\/\/\S+) in a browser/;

/**
 * Executive sales served by `rapport serve --clickhouse chdb:DIR` (the demo published into an
 * in-process ClickHouse by `rapport publish`) shows the same KPIs as the same dashboard served
 * by `rapport serve` from the DuckDB file. Each server is a process of its own: chdb binds one
 * data directory per process.
 */
describe('a dashboard served from ClickHouse, in a real browser', () => {
  const scratch = scratchDir('rapport-e2e-clickhouse-');
  const forClickHouse = join(scratch.dir, 'published.duckdb');
  const forDuckDb = join(scratch.dir, 'duckdb.duckdb');
  const chdb = `chdb:${join(scratch.dir, 'chdb')}`;
  let browser: Browser;
  let clickhouse: RunningCli;
  let duckdb: RunningCli;
  const urlOf = (server: RunningCli) => READY.exec(server.output().stderr)![1]!.replace(/\/$/, '');

  beforeAll(async () => {
    // Copies: publish writes its state into the warehouse, and each server locks its file.
    copyFileSync(inject('demoWarehouse'), forClickHouse);
    copyFileSync(inject('demoWarehouse'), forDuckDb);
    const published = await rapport(['publish', '--to', chdb, '--db', forClickHouse], { timeoutMs: 300_000 });
    expect(published.status, published.stderr).toBe(0);
    [clickhouse, duckdb, browser] = await Promise.all([
      startRapport(['serve', '--db', forClickHouse, '--clickhouse', chdb, '--port', '0'], READY),
      startRapport(['serve', '--db', forDuckDb, '--port', '0'], READY),
      launchChromium(),
    ]);
  }, 420_000);
  afterAll(async () => {
    await browser?.close();
    await clickhouse?.stop();
    await duckdb?.stop();
    scratch.remove();
  });

  it('answers cube queries from ClickHouse', async () => {
    const r = await fetch(`${urlOf(clickhouse)}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: { measures: ['orders.count'] } }),
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { dbType: string; data: Record<string, unknown>[] };
    expect(body.dbType).toBe('clickhouse');
    // Counted by hand in the DuckDB file the copy was published from.
    const engine = await DuckDbEngine.open({ path: inject('demoWarehouse'), readOnly: true });
    try {
      const [row] = (await engine.query('SELECT count(*) AS n FROM fact_order_lines')).rows;
      expect(Number(body.data[0]!['orders.count'])).toBe(Number(row!['n']));
    } finally {
      await engine.close();
    }
  });

  it("Executive sales' KPIs read as on the DuckDB-served dashboard", async () => {
    const shown = async (server: RunningCli, name: string) => {
      const w = await watchedPage(browser);
      try {
        await openDashboard(w.page, `${urlOf(server)}/dashboards/${ID}`);
        const values: Record<string, { value: string; text: string }> = {};
        for (const kpi of KPIS)
          values[kpi] = { value: await kpiValue(w.page, kpi), text: await kpiShown(w.page, kpi) };
        await screenshot(w.page, `clickhouse-dashboard-${name}`);
        expect(w.problems).toEqual([]);
        return values;
      } finally {
        await w.close();
      }
    };
    const fromClickHouse = await shown(clickhouse, 'clickhouse');
    const fromDuckDb = await shown(duckdb, 'duckdb');
    for (const kpi of KPIS) expect(fromDuckDb[kpi]!.value, kpi).toMatch(/\d/);
    expect(fromClickHouse).toEqual(fromDuckDb);
  });
});
