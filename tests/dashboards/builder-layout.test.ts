import { describe, expect, it } from 'vitest';
import { addTile, moveTile, resizeTile, tileName } from '../../src/dashboards/web/client/builder/layout';
import { queryTile, questionTile } from '../../src/dashboards/web/client/builder/tile-sources';

const t = (name: string, width?: number, height?: number) => ({ name, title: name, width, height });

describe('the builder’s grid operations', () => {
  it('moves a tile one place, and leaves the ends alone', () => {
    const tiles = [t('a'), t('b'), t('c')];
    expect(moveTile(tiles, 0, 1).map((x) => x.name)).toEqual(['b', 'a', 'c']);
    expect(moveTile(tiles, 2, -1).map((x) => x.name)).toEqual(['a', 'c', 'b']);
    expect(moveTile(tiles, 0, -1).map((x) => x.name)).toEqual(['a', 'b', 'c']);
    expect(moveTile(tiles, 2, 1).map((x) => x.name)).toEqual(['a', 'b', 'c']);
  });

  it('resizes within the grid: 1–12 columns, 1–6 rows, from the schema’s defaults 6×2', () => {
    const [a] = resizeTile([t('a')], 0, 1, 1);
    expect([a!.width, a!.height]).toEqual([7, 3]);
    const [wide] = resizeTile([t('a', 12, 6)], 0, 1, 1);
    expect([wide!.width, wide!.height]).toEqual([12, 6]);
    const [narrow] = resizeTile([t('a', 1, 1)], 0, -1, -1);
    expect([narrow!.width, narrow!.height]).toEqual([1, 1]);
  });

  it('names tiles in lower snake case, unique on the dashboard', () => {
    expect(tileName('Revenue by month', [])).toBe('revenue_by_month');
    expect(tileName('Revenue by month', ['revenue_by_month'])).toBe('revenue_by_month_2');
    expect(tileName('2026 Umsätze', [])).toBe('umsatze');
    expect(addTile([t('a')], t('a')).map((x) => x.name)).toEqual(['a', 'a_2']);
  });

  it('a query tile without a time dimension opts out of the date filter, as rapport check asks', () => {
    const plain = queryTile({ title: 'Revenue', measure: 'orders.revenue', chart: 'kpi' }, []);
    expect(plain).toMatchObject({ use_date_filter: false, query: { measures: ['orders.revenue'] } });
    const timed = queryTile(
      {
        title: 'Revenue by month',
        measure: 'orders.revenue',
        time: { dimension: 'orders.ordered_at', granularity: 'month' },
        chart: 'line',
      },
      [],
    );
    expect(timed).toMatchObject({
      time: 'orders.ordered_at',
      query: { timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'month' }] },
    });
    expect(timed).not.toHaveProperty('use_date_filter');
  });

  it('a saved question becomes a tile: its query without paging, a line over time, else a table', () => {
    const overTime = questionTile(
      {
        id: 'q1',
        name: 'Revenue by month',
        description: null,
        query: {
          measures: ['orders.revenue'],
          timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'month' }],
          limit: 500,
        },
        chart: { measure: 'orders.revenue' },
      },
      ['revenue_by_month'],
    );
    expect(overTime).toMatchObject({ name: 'revenue_by_month_2', chart: 'line', time: 'orders.ordered_at' });
    expect(overTime['query']).not.toHaveProperty('limit');
    const plain = questionTile(
      { id: 'q2', name: 'By region', description: 'x', query: { measures: ['orders.revenue'] }, chart: {} },
      [],
    );
    expect(plain).toMatchObject({ chart: 'table', use_date_filter: false, description: 'x' });
  });
});
