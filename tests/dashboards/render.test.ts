import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryService } from '../../src/cube/service';
import { loadDashboards } from '../../src/dashboards/load';
import { compileSpec, renderSvg } from '../../src/dashboards/render';
import { runDashboard } from '../../src/dashboards/run';
import type { Engine } from '../../src/engine';
import { loadModel } from '../../src/model/load';
import { loadDemo, ROOT } from '../helpers/demo';

const NOW = new Date('2026-07-01T00:00:00Z');
const dashboards = loadDashboards(join(ROOT, 'dashboards'));

/** The data marks of a vega SVG: groups with role-mark holding at least one drawn element. */
function drawnMarks(svg: string): number {
  let n = 0;
  for (const m of svg.matchAll(/<g class="mark-[a-z]+ role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)) {
    n += (m[1]!.match(/<(path|text|line|rect|circle)\b/g) ?? []).length;
  }
  return n;
}

describe('every shipped dashboard on the demo warehouse', () => {
  let engine: Engine;
  let queries: QueryService;
  const model = loadModel(join(ROOT, 'cubes'));
  beforeAll(async () => {
    ({ engine } = await loadDemo());
    queries = new QueryService({ engine, model, version: () => 1, now: () => NOW });
  });
  afterAll(() => engine.close());

  it('ships the seven dashboards of the issue, Customer value and Product behaviour', () => {
    expect(dashboards.map((d) => d.id).sort()).toEqual([
      'campaigns',
      'contacts',
      'customer-behaviour',
      'customer-value',
      'marketing-segments',
      'product-behaviour',
      'sales-executive',
      'sales-team',
      'service',
    ]);
  });

  it.each(dashboards.map((d) => [d.id, d] as const))(
    '%s: every tile has data, compiles without vega-lite warnings and draws marks in SVG',
    async (_id, dashboard) => {
      const result = await runDashboard(
        { queries, reports: { engine, model, now: () => NOW } },
        dashboard,
        {},
      );
      for (const tile of result.tiles) {
        const where = `${dashboard.id}/${tile.name}`;
        expect(tile.error, where).toBeUndefined();
        expect(tile.data.length, `${where} has no rows on the demo`).toBeGreaterThan(0);
        expect(compileSpec(tile.spec!).warnings, where).toEqual([]);
        const svg = await renderSvg(tile.spec!, { width: tile.width * 100, height: tile.height * 160 });
        expect(drawnMarks(svg), `${where} draws nothing`).toBeGreaterThan(0);
      }
    },
  );

  it('labels the bar of placeholder customers "(unknown)", and its row keeps the null a click filters by', async () => {
    const dashboard = dashboards.find((d) => d.id === 'sales-executive')!;
    const result = await runDashboard({ queries, reports: { engine, model, now: () => NOW } }, dashboard, {});
    const tile = result.tiles.find((t) => t.name === 'revenue_by_region')!;
    const [{ n } = { n: 0 }] = (
      await engine.query(
        `SELECT count(*)::INTEGER AS n FROM fact_order_lines f JOIN dim_customer c USING (customer_key)
         WHERE c.region IS NULL`,
      )
    ).rows as { n: number }[];
    expect(n, 'the demo has orders of customers without a region').toBeGreaterThan(0);
    expect(tile.data.some((r) => r['customers.region'] === null)).toBe(true);
    const svg = await renderSvg(tile.spec!, { width: 600, height: 300 });
    expect(svg).toContain('(unknown)');
    expect(svg).not.toMatch(/>null</);
  });

  it('Product behaviour: the week "last 6 months" starts inside is drawn partial, counting only the days in range', async () => {
    const dashboard = dashboards.find((d) => d.id === 'product-behaviour')!;
    const result = await runDashboard({ queries, reports: { engine, model, now: () => NOW } }, dashboard, {});
    const tile = result.tiles.find((t) => t.name === 'weekly_visitors')!;
    expect(tile.applied).toContain('period');
    const visits = tile.data.filter((r) => r['series'] === 'visit');
    // The last 6 months before 2026-07-01 start on Thursday 2026-01-01, in the week of Monday 12-29.
    expect(visits[0]).toMatchObject({ period: '2025-12-29', partial: true });
    expect(visits.slice(1, -1).map((r) => r['partial'])).toEqual(visits.slice(1, -1).map(() => false));
    const [{ n } = { n: -1 }] = (
      await engine.query(
        `SELECT count(DISTINCT coalesce(customer_id, anonymous_id))::INTEGER AS n FROM fact_web_events
         WHERE event = 'visit' AND occurred_at >= DATE '2026-01-01' AND occurred_at < DATE '2026-01-05'`,
      )
    ).rows as { n: number }[];
    expect(n).toBeGreaterThan(0);
    expect(visits[0]!['value']).toBe(n);
  });
});
