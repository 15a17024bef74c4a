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
});
