import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rapport } from '../helpers/cli';
import { scratchDir } from '../helpers/warehouse';
import { svgText } from '../server/svg-text';

/**
 * `rapport dashboard render` writes each tile as it exports: the chart (or the KPI's value,
 * window and comparisons) under its title, the dashboard, the period in words and the filters.
 */
describe('rapport dashboard render', () => {
  const scratch = scratchDir();
  const db = join(scratch.dir, 'demo.duckdb');
  const out = join(scratch.dir, 'out');

  beforeAll(() => copyFileSync(inject('demoWarehouse'), db));
  afterAll(() => scratch.remove());

  it('writes SVGs that carry their title, dashboard, period and filters', async () => {
    const r = await rapport(
      [
        'dashboard',
        'render',
        'sales-executive',
        '--db',
        db,
        '--out',
        out,
        '--no-png',
        '--filter',
        'period=2025-01-01..2025-03-31',
        '--filter',
        'region=Southern Europe',
      ],
      { env: { RAPPORT_NOW: '2026-07-01' } },
    );
    expect(r.status, r.stderr).toBe(0);
    const dir = join(out, 'sales-executive');
    expect(readdirSync(dir)).toContain('revenue_by_month.svg');

    const chart = svgText(readFileSync(join(dir, 'revenue_by_month.svg'), 'utf8'));
    expect(chart).toContain('Revenue by month');
    expect(chart).toContain('Executive sales · Q1 2025');
    expect(chart).toContain('Filtered by Region: Southern Europe');
    expect(chart).toContain('Units: Revenue in €');

    const kpi = svgText(readFileSync(join(dir, 'revenue.svg'), 'utf8'));
    expect(kpi).toContain('Revenue');
    expect(kpi).toContain('Q1 2025');
    expect(kpi.some((l) => /^€[\d.,]+[KM]?$/.test(l))).toBe(true);
    expect(kpi.some((l) => l.startsWith('vs Q1 2024'))).toBe(true);
  });
});
