import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TileResult } from '../../src/dashboards/run-tile';
import type { Engine } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { loadDemo, ROOT } from '../helpers/demo';
import { fillOf, svgText } from './svg-text';

/** The server's clock in these tests: "last 12 months" is Jul 2025 – Jun 2026. */
const NOW = new Date('2026-07-01T00:00:00Z');
const LAST_12_MONTHS = 'Jul 2025 – Jun 2026';
/** The page's colours of good and bad news (base.css). */
const TONE: Record<string, string> = { good: '#12915a', bad: '#d23c3c' };

/** RFC 4180 lines into cells (quoted cells may hold commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]!))
    .map((cells) => cells.map((c) => (c.startsWith('"') ? c.slice(1, -1).replaceAll('""', '"') : c)));
}

/**
 * What a cell should read for people, worked out here from the tile JSON's field info: labels
 * first, then a code spelled as words, a missing value "(unknown)", numbers as they are, a month
 * as its first day.
 */
function expectedCell(value: unknown, f: TileResult['fields'][number]): string {
  if (f.kind === 'quantitative') return value === null ? '' : String(value);
  if (value === null || value === '') return '(unknown)';
  if (f.kind === 'temporal') return String(value).replace(/T00:00:00(\.000)?$/, '');
  const text = String(value);
  if (f.labels?.[text] !== undefined) return f.labels[text]!;
  if (f.humanize && /^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/.test(text)) {
    const words = text.replaceAll(/[_-]/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return text;
}

describe('exported tiles say what they show', () => {
  let engine: Engine;
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ method: 'GET', url });
  const json = async (url: string) => (await get(url)).json() as TileResult;

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    app = await buildApp({ engine, root: ROOT, now: () => NOW });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it("a KPI's SVG carries its title, the value with its unit, the window and the comparisons in colour", async () => {
    const url = '/v1/dashboards/service/tiles/first_response';
    const query = '?period=this%20year&channel=email';
    const tile = await json(`${url}.json${query}`);
    const kpi = tile.kpi!;
    const r = await get(`${url}.svg${query}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('image/svg+xml');
    const lines = svgText(r.body);
    expect(lines).toContain('Median first response');
    expect(lines).toContain('Service');
    expect(lines).toContain('Filtered by Channel: Email');
    // The headline as the card shows it: one decimal under 100, and the unit.
    const headline = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(kpi.value!);
    expect(lines).toContain(`${headline} hours`);
    expect(kpi.window!.to_date).toBe(true);
    expect(lines).toContain(`${kpi.window!.label} (to date)`);
    expect(kpi.comparisons.length).toBeGreaterThan(0);
    for (const c of kpi.comparisons) {
      const change = `${c.delta! > 0 ? '▲ +' : '▼ −'}${Math.abs(c.delta! * 100).toFixed(1)}%`;
      expect(lines).toContain(change);
      expect(lines).toContain(`vs ${c.window.label} (a year earlier)`);
      // Fewer hours to answer is good news: the change is drawn in the colour of its tone.
      expect(c.tone).toBe(c.delta! < 0 ? 'good' : 'bad');
      expect(fillOf(r.body, change)).toBe(TONE[c.tone]);
    }
  });

  it("a KPI's SVG shows a comparison the data cannot make as n/a with the reason", async () => {
    const tile = await json('/v1/dashboards/sales-executive/tiles/revenue.json?period=last%2024%20months');
    const na = tile.kpi!.comparisons.find((c) => c.delta === null);
    expect(na?.reason).toBeTruthy();
    const lines = svgText(
      (await get('/v1/dashboards/sales-executive/tiles/revenue.svg?period=last%2024%20months')).body,
    );
    expect(lines).toContain('n/a');
    expect(lines.some((l) => l.startsWith(`vs ${na!.window.label}`) && l.endsWith(na!.reason!))).toBe(true);
    const euros = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(tile.kpi!.value! / 1e6);
    expect(lines).toContain(`€${euros}M`);
  });

  it("a chart's SVG carries its title, the dashboard, the period in words, its filters and units", async () => {
    const r = await get(
      '/v1/dashboards/sales-executive/tiles/revenue_by_region.svg?region=Northern%20Europe',
    );
    expect(r.statusCode).toBe(200);
    const lines = svgText(r.body);
    expect(lines).toContain('Revenue by region');
    expect(lines).toContain(`Executive sales · ${LAST_12_MONTHS}`);
    expect(lines).toContain('Filtered by Region: Northern Europe');
    expect(lines).toContain('Units: Revenue in €');
    // An absolute range reads as people name it.
    const q1 = svgText(
      (await get('/v1/dashboards/sales-executive/tiles/revenue_by_month.svg?period=2025-01-01..2025-03-31'))
        .body,
    );
    expect(q1).toContain('Executive sales · Q1 2025');
    // A tile the period does not restrict says so instead of naming a period.
    const forecast = svgText(
      (await get('/v1/dashboards/sales-executive/tiles/revenue_forecast.svg?region=Western%20Europe')).body,
    );
    expect(forecast).toContain('Executive sales');
    expect(forecast).toContain('Not filtered by Period');
    expect(forecast).toContain('Filtered by Region: Western Europe');
  });

  it('the tile JSON carries the export context the browser draws its exports with', async () => {
    const tile = (
      await get('/v1/dashboards/sales-executive/tiles/revenue_by_region.json?region=Northern%20Europe')
    ).json();
    expect(tile.export).toEqual({
      dashboard: 'Executive sales',
      period: LAST_12_MONTHS,
      filters: ['Region: Northern Europe'],
      ignored: [],
    });
  });

  it('CSV with headers=titles: titles with units, values labelled for people, numbers plain, dates ISO', async () => {
    const cases = [
      '/v1/dashboards/sales-executive/tiles/revenue_by_region',
      '/v1/dashboards/sales-team/tiles/won_lost_by_month',
      '/v1/dashboards/service/tiles/response_by_category',
      '/v1/dashboards/sales-team/tiles/sales_cycle',
    ];
    let missing = 0;
    for (const url of cases) {
      const tile = await json(`${url}.json`);
      const r = await get(`${url}.csv?headers=titles`);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type']).toContain('text/csv');
      expect(r.body.startsWith('\uFEFF'), url).toBe(true);
      const [header, ...rows] = parseCsv(r.body.slice(1));
      expect(header, url).toEqual(
        tile.fields.map((f) => {
          const unit = f.unit ?? (f.format === 'currency' ? '€' : undefined);
          if (!unit) return f.format === 'percent' ? `${f.title} (fraction)` : f.title;
          // A title that ends in its unit ("… Hours") states it once, in the brackets.
          const title = f.title.toLowerCase().endsWith(` ${unit}`)
            ? f.title.slice(0, -unit.length - 1)
            : f.title;
          return `${title} (${unit})`;
        }),
      );
      expect(rows, url).toEqual(tile.data.map((row) => tile.fields.map((f) => expectedCell(row[f.name], f))));
      missing += rows.flat().filter((c) => c === '(unknown)').length;
    }
    // The placeholder customers' unknown region reads as the one missing label.
    expect(missing).toBeGreaterThan(0);
    const revenue = parseCsv((await get(`${cases[0]}.csv?headers=titles`)).body.slice(1));
    expect(revenue[0]).toEqual(['Region', 'Revenue (€)']);
    expect(revenue.slice(1).map((r) => r[0])).toContain('(unknown)');
    const cycle = parseCsv((await get(`${cases[3]}.csv?headers=titles`)).body.slice(1));
    expect(cycle[0]).toEqual(['Average sales cycle (days)']);
    const service = parseCsv((await get(`${cases[2]}.csv?headers=titles`)).body.slice(1));
    expect(service[0]).toEqual(['Category', 'Median first response (hours)', 'Median resolution (hours)']);
    // A code labelled for people: deals' outcomes read "Won" and "Lost", months as ISO dates.
    const outcomes = parseCsv((await get(`${cases[1]}.csv?headers=titles`)).body.slice(1));
    expect(new Set(outcomes.slice(1).map((r) => r[1]))).toEqual(new Set(['Won', 'Lost']));
    expect(outcomes[1]![0]).toMatch(/^\d{4}-\d{2}-01$/);
  });

  it('CSV without the parameter stays raw; context=1 puts what the file holds first', async () => {
    const url = '/v1/dashboards/sales-executive/tiles/revenue_by_region.csv';
    const raw = (await get(url)).body;
    expect(raw.split('\n')[0]).toBe('customers.region,orders.revenue');
    expect(raw).not.toContain('(unknown)');
    const withContext = (await get(`${url}?headers=titles&context=1&region=Northern%20Europe`)).body;
    expect(withContext.slice(1).split('\n').slice(0, 6)).toEqual([
      'Revenue by region',
      `Executive sales · ${LAST_12_MONTHS}`,
      'Filtered by Region: Northern Europe',
      'Units: Revenue in €',
      '',
      'Region,Revenue (€)',
    ]);
    const bad = await get(`${url}?headers=pretty`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/headers/);
  });

  it('the OpenAPI document lists the export parameters of the tile route', async () => {
    const doc = (await get('/openapi.json')).json();
    const params = doc.paths['/v1/dashboards/{id}/tiles/{tile}'].get.parameters as {
      name: string;
      schema: { enum?: string[] };
    }[];
    expect(params.find((p) => p.name === 'headers')?.schema.enum).toEqual(['names', 'titles']);
    expect(params.find((p) => p.name === 'context')?.schema.enum).toEqual(['0', '1']);
  });
});
