import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryService } from '../../src/cube/service';
import { loadDashboards } from '../../src/dashboards/load';
import { renderSvg } from '../../src/dashboards/render';
import { runDashboard } from '../../src/dashboards/run';
import type { Engine } from '../../src/engine';
import { loadModel } from '../../src/model/load';
import { modelMeta } from '../../src/model/meta';
import { DEMO_NOW, loadDemo, ROOT } from '../helpers/demo';

const dashboards = loadDashboards(join(ROOT, 'dashboards'));
const PRESETS = [
  'this month',
  'last month',
  'this quarter',
  'last quarter',
  'this year',
  'last year',
  'last 12 months',
  'last 24 months',
];

/** What people read: labels, titles, periods and units, as the charts draw them. */
describe('one vocabulary on the demo', () => {
  let engine: Engine;
  const model = loadModel(join(ROOT, 'cubes'));
  const services = () => ({
    queries: new QueryService({ engine, model, version: () => 1, now: () => DEMO_NOW }),
    reports: { engine, model, now: () => DEMO_NOW },
  });
  const tileOf = async (dashboard: string, tile: string, filters: Record<string, string> = {}) => {
    const d = dashboards.find((x) => x.id === dashboard)!;
    const result = await runDashboard(services(), d, filters);
    return result.tiles.find((t) => t.name === tile)!;
  };
  const textOf = async (dashboard: string, tile: string) => {
    const t = await tileOf(dashboard, tile);
    const svg = await renderSvg(t.spec!, { width: 900, height: 400 });
    return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
  };

  beforeAll(async () => {
    ({ engine } = await loadDemo());
  });
  afterAll(() => engine.close());

  it('codes read as words on axes and legends: Closed won, Best case, not closed_won', async () => {
    const text = await textOf('sales-executive', 'pipeline_forecast');
    expect(text).toEqual(expect.arrayContaining(['Closed won', 'Best case', 'Commit', 'Pipeline']));
    expect(text.join(' ')).not.toMatch(/closed_won|best_case/);
    const channels = await textOf('contacts', 'by_channel');
    expect(channels).toEqual(expect.arrayContaining(['In person', 'Email']));
    expect(channels.join(' ')).not.toMatch(/in_person/);
  });

  it('a member titled like its cube is not named twice ("Tickets", not "Tickets Tickets")', () => {
    const meta = modelMeta(model) as {
      cubes: { name: string; measures: { name: string; title: string }[] }[];
    };
    const titles = meta.cubes.flatMap((c) => c.measures.map((m) => m.title));
    expect(titles).toContain('Tickets');
    for (const t of titles) expect(t, t).not.toMatch(/^(\w+) \1\b/i);
  });

  it('quarters read "Q2 2024" in every chart, never "2024 Q2"', async () => {
    const text = await textOf('customer-behaviour', 'ltv_curves');
    expect(text.some((t) => /^Q[1-4] 20\d\d$/.test(t))).toBe(true);
    expect(text.some((t) => /^20\d\d Q[1-4]$/.test(t))).toBe(false);
  });

  it('axes of amounts carry the currency, of durations their unit', async () => {
    expect((await textOf('sales-executive', 'revenue_by_month')).some((t) => /^€\d/.test(t))).toBe(true);
    const service = await textOf('service', 'response_by_category');
    expect(service.join(' ')).toMatch(/hours/i);
  });

  it.each(PRESETS)('"%s" shows data on the demo', async (period) => {
    const t = await tileOf('sales-executive', 'revenue', { period });
    expect(t.kpi!.value, period).toBeGreaterThan(0);
  });
});
