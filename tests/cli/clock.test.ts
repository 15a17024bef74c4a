import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DuckDbEngine } from '../../src/engine';
import { warehouseClock } from '../../src/etl';
import { buildApp } from '../../src/server/app';
import { rapport } from '../helpers/cli';
import { DEMO_NOW, ROOT } from '../helpers/demo';
import { scratchDir } from '../helpers/warehouse';

const QUERY = JSON.stringify({
  measures: ['orders.revenue'],
  timeDimensions: [{ dimension: 'orders.ordered_at', dateRange: 'last 12 months' }],
});

/**
 * One clock: the CLI and the server read "now" by one rule (RAPPORT_NOW, else the demo's export
 * moment for a warehouse holding only the demo, else the real time), so the same relative query
 * gives the same number from `rapport query`, `rapport sql` and HTTP on the same warehouse.
 */
describe('one clock for the CLI and the server', () => {
  const scratch = scratchDir();
  const db = join(scratch.dir, 'demo.duckdb');
  const env = { RAPPORT_NOW: '' };

  beforeAll(() => copyFileSync(inject('demoWarehouse'), db));
  afterAll(() => scratch.remove());

  async function overHttp(now?: string): Promise<number> {
    const engine = await DuckDbEngine.open({ path: db });
    try {
      const clock = await warehouseClock(engine, ROOT, { RAPPORT_NOW: now });
      const app = await buildApp({ engine, root: ROOT, now: clock.now });
      try {
        const r = await app.inject({
          method: 'POST',
          url: '/v1/query',
          payload: { query: JSON.parse(QUERY) },
        });
        return Number(r.json().data[0]['orders.revenue']);
      } finally {
        await app.close();
      }
    } finally {
      await engine.close();
    }
  }

  async function fromCli(extra: Record<string, string> = {}): Promise<number> {
    const r = await rapport(['query', QUERY, '--format', 'json', '--db', db], { env: { ...env, ...extra } });
    expect(r.status, r.stderr).toBe(0);
    return Number(JSON.parse(r.stdout).data[0]['orders.revenue']);
  }

  it('reads a demo-only warehouse at the demo export moment, from the CLI and over HTTP alike', async () => {
    const [cli, http] = [await fromCli(), await overHttp()];
    expect(cli).toBe(http);
    // Independently: the 12 whole months before the export moment's month.
    const engine = await DuckDbEngine.open({ path: db });
    try {
      const end = `${DEMO_NOW.toISOString().slice(0, 7)}-01`;
      const start = `${Number(end.slice(0, 4)) - 1}${end.slice(4)}`;
      const { rows } = await engine.query({
        text: `SELECT sum(revenue)::DOUBLE AS r FROM fact_order_lines WHERE status = 'completed' AND quantity > 0
               AND unit_price >= 0 AND ordered_at >= $1::TIMESTAMP AND ordered_at < $2::TIMESTAMP`,
        params: [start, end],
      });
      expect(cli).toBeCloseTo(Number(rows[0]!['r']), 4);
    } finally {
      await engine.close();
    }
    // `rapport sql` binds the same bounds.
    const sql = await rapport(['sql', QUERY, '--db', db], { env });
    expect(sql.stdout).toContain(
      `${Number(DEMO_NOW.toISOString().slice(0, 4)) - 1}-${DEMO_NOW.toISOString().slice(5, 7)}-01`,
    );
  });

  it('RAPPORT_NOW wins everywhere', async () => {
    const now = '2025-03-10';
    const [cli, http] = [await fromCli({ RAPPORT_NOW: now }), await overHttp(now)];
    expect(cli).toBe(http);
    expect(cli).not.toBe(await overHttp());
  });
});
