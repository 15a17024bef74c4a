import { addMonths, formatISO } from 'date-fns';
import * as vl from 'vega-lite';
import { describe, expect, it } from 'vitest';
import type { ChartInput } from '../../src/dashboards/charts/fields';
import { shorthandSpec } from '../../src/dashboards/charts/shorthand';

/** A monthly (or other) revenue series as a tile's rows. */
function series(periods: number, stepMonths: number, dateOnly: boolean): ChartInput {
  const rows = Array.from({ length: periods }, (_, i) => {
    const d = addMonths(new Date(2024, 0, 1), i * stepMonths);
    const day = formatISO(d, { representation: 'date' });
    return { period: dateOnly ? day : `${day}T00:00:00.000`, revenue: 100 + i };
  });
  return {
    rows,
    fields: new Map([
      ['period', { name: 'period', title: 'Period', kind: 'temporal' }],
      ['revenue', { name: 'revenue', title: 'Revenue', kind: 'quantitative', format: 'currency' }],
    ]),
    dimensions: ['period'],
    measures: ['revenue'],
    encoding: {},
    title: 'Revenue',
  };
}

/** The labelled x axis of the compiled Vega spec. */
function xAxis(input: ChartInput): { format?: string; tickCount?: unknown } {
  const spec = shorthandSpec('line', input, ['period', 'revenue']);
  const compiled = vl.compile({ ...spec, data: { values: [...input.rows] } } as vl.TopLevelSpec, {
    logger: { warn: (m: string) => expect.fail(m), info: () => {}, debug: () => {} } as never,
  }).spec;
  const axes = (compiled.axes ?? []) as {
    scale: string;
    labels?: boolean;
    format?: string;
    tickCount?: unknown;
  }[];
  const labelled = axes.find((a) => a.scale === 'x' && a.labels !== false);
  if (!labelled) throw new Error('no labelled x axis');
  return labelled;
}

describe('time axes of line charts label whole periods', () => {
  it('monthly series: one "Mon YYYY" tick per month while there are at most 14 months', () => {
    expect(xAxis(series(12, 1, false))).toMatchObject({
      format: '%b %Y',
      tickCount: { interval: 'month', step: 1 },
    });
  });

  it('a long monthly series thins its ticks to every 3 months (36 months / 3 = 12 ticks)', () => {
    expect(xAxis(series(36, 1, true))).toMatchObject({ tickCount: { interval: 'month', step: 3 } });
  });

  it('quarters are labelled as quarters, years as years', () => {
    expect(xAxis(series(8, 3, true))).toMatchObject({
      format: 'Q%q %Y',
      tickCount: { interval: 'month', step: 3 },
    });
    expect(xAxis(series(5, 12, true))).toMatchObject({
      format: '%Y',
      tickCount: { interval: 'year', step: 1 },
    });
  });

  it('daily series keep vega’s own ticks', () => {
    const daily = series(3, 1, true);
    const rows = ['2024-01-01', '2024-01-02', '2024-01-03'].map((period, i) => ({ period, revenue: i }));
    expect(xAxis({ ...daily, rows }).format).toBeUndefined();
  });
});
