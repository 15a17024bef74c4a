import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drillDown, drillTarget, recordsQuery } from '../../src/cube/drill';
import { parseQuery } from '../../src/cube/parse';
import { AppError } from '../../src/errors';
import { loadModel } from '../../src/model/load';

const model = loadModel(join(import.meta.dirname, '..', '..', 'cubes'));

describe('the last level of a drill-down and the records below it', () => {
  it('drills time buckets down to the day, and no further', () => {
    const month = parseQuery({
      measures: ['orders.revenue'],
      timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'month' }],
    });
    expect(drillTarget(model, month)).toEqual({
      member: 'orders.ordered_at.month',
      to: 'orders.ordered_at.day',
    });
    const days = drillDown(model, month, 'orders.ordered_at.month', {
      'orders.ordered_at.month': '2026-03-01T00:00:00.000',
    });
    expect(days.timeDimensions).toEqual([
      {
        dimension: 'orders.ordered_at',
        granularity: 'day',
        dateRange: ['2026-03-01T00:00:00.000', '2026-03-31T23:59:59.999'],
      },
    ]);
    expect(drillTarget(model, days)).toBeUndefined();
    expect(() =>
      drillDown(model, days, 'orders.ordered_at.day', { 'orders.ordered_at.day': '2026-03-05T00:00:00.000' }),
    ).toThrow(/finest/);
  });

  it('refuses a time bucket the query does not have, instead of answering the query unchanged', () => {
    const month = parseQuery({
      measures: ['orders.revenue'],
      timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'month' }],
    });
    expect(() =>
      drillDown(model, month, 'orders.ordered_at.week', {
        'orders.ordered_at.week': '2026-03-02T00:00:00.000',
      }),
    ).toThrow(AppError);
  });

  it('lists the rows the clicked mark counts: its values, the tile’s filters, the measure’s own filters', () => {
    const cities = parseQuery({
      measures: ['orders.revenue', 'orders.order_count'],
      dimensions: ['customers.city'],
      timeDimensions: [{ dimension: 'orders.ordered_at', dateRange: 'last 12 months' }],
      filters: [
        { member: 'customers.region', operator: 'equals', values: ['Southern Europe'] },
        { member: 'customers.country', operator: 'equals', values: ['Spain'] },
      ],
    });
    const q = recordsQuery(model, cities, { 'customers.city': 'Madrid', 'orders.revenue': 12.5 });
    expect(q.ungrouped).toBe(true);
    expect(q.measures).toEqual(['orders.revenue']);
    expect(q.dimensions).toContain('orders.order_id');
    expect(q.dimensions).toContain('orders.line_no');
    expect(q.dimensions.at(-1)).toBe('customers.city');
    expect(q.timeDimensions).toEqual([{ dimension: 'orders.ordered_at', dateRange: 'last 12 months' }]);
    expect(q.filters).toEqual([
      { member: 'customers.region', operator: 'equals', values: ['Southern Europe'] },
      { member: 'customers.country', operator: 'equals', values: ['Spain'] },
      { member: 'customers.city', operator: 'equals', values: ['Madrid'] },
      {
        or: [
          { member: 'orders.revenue', operator: 'measureFilter' },
          { member: 'orders.order_count', operator: 'measureFilter' },
        ],
      },
    ]);
    expect(q.order).toEqual([
      ['orders.ordered_at', 'asc'],
      ['orders.order_id', 'asc'],
      ['orders.line_no', 'asc'],
    ]);
    // A null (a placeholder customer's unknown city) is "not set".
    const unknown = recordsQuery(model, cities, { 'customers.city': null });
    expect(unknown.filters).toContainEqual({ member: 'customers.city', operator: 'notSet' });
    expect(() => recordsQuery(model, cities, { 'orders.revenue': 1 })).toThrow(
      /no value for customers\.city/,
    );
  });

  it('narrows a time bucket to its own span within the tile’s range, and keeps every row for a count', () => {
    const days = parseQuery({
      measures: ['orders.count'],
      timeDimensions: [
        { dimension: 'orders.ordered_at', granularity: 'day', dateRange: ['2026-03-01', '2026-03-31'] },
      ],
    });
    const q = recordsQuery(model, days, { 'orders.ordered_at.day': '2026-03-05T00:00:00.000' });
    expect(q.timeDimensions).toEqual([
      { dimension: 'orders.ordered_at', dateRange: ['2026-03-05T00:00:00.000', '2026-03-05T23:59:59.999'] },
    ]);
    expect(q.filters).toEqual([
      { member: 'orders.ordered_at', operator: 'inDateRange', values: ['2026-03-01', '2026-03-31'] },
    ]);
    // A count has no value per row, and counts every line: no measure filter.
    expect(q.measures).toEqual([]);
  });

  it('never lists a member hidden from the user', () => {
    const hidden = { ...model, access: { key: 'k', hidden: new Set(['customers.email']), rows: new Map() } };
    const q = recordsQuery(
      hidden,
      parseQuery({ measures: ['customers.count'], dimensions: ['customers.region'] }),
      {
        'customers.region': 'Southern Europe',
      },
    );
    expect(q.dimensions).toContain('customers.name');
    expect(q.dimensions).not.toContain('customers.email');
  });
});
