import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryService } from '../../src/cube/service';
import { checkDashboardFile } from '../../src/dashboards/check';
import { loadDashboards } from '../../src/dashboards/load';
import { runTile } from '../../src/dashboards/run-tile';
import { TileSchema } from '../../src/dashboards/schema';
import type { Engine } from '../../src/engine';
import { loadModel } from '../../src/model/load';
import { buildApp } from '../../src/server/app';
import { loadDemo, ROOT } from '../helpers/demo';

interface Tile {
  name: string;
  data: Record<string, unknown>[];
  applied: string[];
  ignored: string[];
  error?: unknown;
}

/** A dashboard's filters reach every tile that has a meaningful member for them. */
describe('dashboard filters reach their tiles', () => {
  let engine: Engine;
  let app: FastifyInstance;
  const NOW = new Date('2026-05-15T00:00:00Z');

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    app = await buildApp({ engine, root: ROOT, now: () => NOW });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('the contacts period reaches every tile about work done or revenue earned in it', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/dashboards/contacts?period=last%20month' });
    const tiles = r.json().tiles as Tile[];
    const reached = tiles.filter((t) => t.applied.includes('period')).map((t) => t.name);
    expect(reached).toEqual(['done', 'by_group', 'by_channel', 'by_manager', 'no_contact_planned']);
    // The others are about now or the future, and say so in their definition.
    const dashboard = loadDashboards(join(ROOT, 'dashboards')).find((d) => d.id === 'contacts')!;
    for (const t of tiles.filter((x) => !reached.includes(x.name))) {
      const def = dashboard.tiles.find((d) => d.name === t.name)!;
      expect(def.use_date_filter, t.name).toBe(false);
      expect(`${def.title} ${def.description ?? ''} ${JSON.stringify(def.query ?? {})}`, t.name).toMatch(
        /now|next 90 days|planned/i,
      );
    }
    // Done by channel in April 2026, against SQL.
    const { rows } = await engine.query(`
      SELECT c.channel, count(*) AS n FROM fact_interactions i JOIN dim_channel c USING (channel_key)
      WHERE i.status = 'done' AND i.occurred_at >= TIMESTAMP '2026-04-01' AND i.occurred_at < TIMESTAMP '2026-05-01'
      GROUP BY c.channel`);
    const expected = Object.fromEntries(rows.map((x) => [x['channel'], Number(x['n'])]));
    const channel = tiles.find((t) => t.name === 'by_channel')!;
    const got = Object.fromEntries(
      channel.data.map((x) => [x['interactions.channel'], Number(x['interactions.done'])]),
    );
    expect(got).toEqual(expected);
  });

  it('rapport check refuses a tile the date filter would silently miss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-dash-'));
    try {
      const file = join(dir, 'd.yml');
      writeFileSync(
        file,
        [
          'title: T',
          'filters: [{ name: period, type: date_range }]',
          'tiles:',
          '  - { name: a, title: A, chart: kpi, query: { measures: [orders.revenue] } }',
          '  - { name: b, title: B, chart: kpi, query: { measures: [orders.revenue] }, time: orders.ordered_at }',
          '  - { name: c, title: C, chart: kpi, query: { measures: [orders.revenue] }, use_date_filter: false }',
          '',
        ].join('\n'),
      );
      const problems = checkDashboardFile(file, loadModel(join(ROOT, 'cubes')));
      expect(problems.map((p) => [p.line, p.message.slice(0, 44)])).toEqual([
        [4, 'the date filter "period" cannot reach tile a'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a report tile a dimension filter cannot reach keeps the period and says which filter it ignored', async () => {
    const tile = TileSchema.parse({
      name: 'rfm',
      title: 'RFM',
      chart: 'table',
      report: 'rfm',
      time: 'orders.ordered_at',
    });
    const period = {
      filter: { name: 'period', type: 'date_range' },
      range: ['2025-03-01', '2025-03-31'],
    } as never;
    const category = {
      filter: { name: 'category', type: 'dimension', dimension: 'tickets.category' },
      cube: { member: 'tickets.category', operator: 'equals', values: ['billing'] },
    } as never;
    const services = {
      queries: new QueryService({
        engine,
        model: loadModel(join(ROOT, 'cubes')),
        version: () => 1,
        now: () => NOW,
      }),
      reports: { engine, model: loadModel(join(ROOT, 'cubes')), now: () => NOW },
    };
    const out = await runTile(services, tile, [period, category]);
    expect(out.error).toBeUndefined();
    expect(out.applied).toEqual(['period']);
    expect(out.ignored).toEqual(['category']);
    // The customers counted are those with orders in the period only.
    const { rows } = await engine.query(`
      SELECT count(DISTINCT customer_id) AS n FROM fact_order_lines
      WHERE status = 'completed' AND quantity > 0 AND unit_price >= 0 AND customer_id IS NOT NULL
        AND ordered_at >= TIMESTAMP '2025-03-01' AND ordered_at < TIMESTAMP '2025-04-01'`);
    expect(Number(rows[0]!['n'])).toBeLessThan(1000);
    expect(out.data.length).toBe(Number(rows[0]!['n']));
  });
});
