import { describe, expect, it } from 'vitest';
import {
  DrillPathError,
  type DrillValue,
  decodeDrillPath,
  drillParams,
  encodeDrillPath,
  readDrills,
} from '../../src/dashboards/web/client/dashboard/drill-state';
import { pageSearch, readFilters, searchOf } from '../../src/dashboards/web/client/dashboard/filter-state';
import type { FilterDefinition } from '../../src/dashboards/web/shared/page-data';

/** Values a region, a city or a product name may hold, and the escapes' own characters. */
const HOSTILE = [
  'Southern Europe',
  'Côte d’Ivoire',
  'São Paulo, SP',
  'Zürich / Zurich',
  'a/b/c',
  '/',
  '//',
  '~',
  '~~',
  '~s',
  '~null',
  'null',
  '',
  ' ',
  '  leading and trailing  ',
  ':',
  'a:b:c',
  'O\'Brien & "Sons" <b>',
  'x=1&y=2#frag?q',
  '100% + 50%',
  'a+b',
  '%2F%41',
  'line\nbreak\ttab',
  '東京',
  '🙂 emoji',
  '\u0000',
  'drill.revenue_by_region=x',
  '2026-03-01T00:00:00.000',
];

/** The path a page URL would give back after a round trip through its query string. */
function throughUrl(tile: string, path: readonly DrillValue[]): readonly DrillValue[] | undefined {
  const search = searchOf(drillParams(new Map([[tile, path]]), [tile]));
  // What a browser hands back after pushState, a reload or a copied link.
  const url = new URL(`http://127.0.0.1/dashboards/d${search}`);
  return readDrills(url.search, [tile]).paths.get(tile);
}

describe('drill paths in the URL', () => {
  it('round-trips any value, null included, through the parameter text and the whole URL', () => {
    for (const value of HOSTILE) {
      const path: DrillValue[] = [
        { member: 'customers.region', value },
        { member: 'customers.country', value: null },
        { member: 'customers.city', value: `${value}/${value}` },
      ];
      expect(decodeDrillPath(encodeDrillPath(path)), JSON.stringify(value)).toEqual(path);
      expect(throughUrl('revenue_by_region', path), JSON.stringify(value)).toEqual(path);
    }
  });

  it('keeps the string "~null" apart from no value, and "" apart from both', () => {
    const path = [
      { member: 'customers.region', value: '~null' },
      { member: 'customers.country', value: null },
      { member: 'customers.city', value: '' },
    ];
    expect(encodeDrillPath(path)).toBe('customers.region:~~null/customers.country:~null/customers.city:');
    expect(decodeDrillPath(encodeDrillPath(path))).toEqual(path);
  });

  it('is readable in the address bar: members, values, and only the characters that must be escaped', () => {
    const search = searchOf(
      drillParams(
        new Map([
          [
            'revenue_by_region',
            [
              { member: 'customers.region', value: 'Southern Europe' },
              { member: 'customers.country', value: 'Spain' },
            ],
          ],
          ['revenue_by_month', [{ member: 'orders.ordered_at.month', value: '2026-03-01T00:00:00.000' }]],
        ]),
        ['revenue_by_month', 'revenue_by_region'],
      ),
    );
    expect(search).toBe(
      '?drill.revenue_by_month=orders.ordered_at.month:2026-03-01' +
        '&drill.revenue_by_region=customers.region:Southern+Europe/customers.country:Spain',
    );
    expect(
      throughUrl('t', [{ member: 'orders.ordered_at.month', value: '2026-03-01T00:00:00.000' }]),
    ).toEqual([{ member: 'orders.ordered_at.month', value: '2026-03-01T00:00:00.000' }]);
    // A bucket that does not start at midnight keeps its time.
    const hour = [{ member: 'orders.ordered_at.hour', value: '2026-03-01T13:00:00.000' }];
    expect(throughUrl('t', hour)).toEqual(hour);
  });

  it('leaves out tiles without a drill-down, and writes tiles in the dashboard’s order', () => {
    const paths = new Map<string, DrillValue[]>([
      ['b', [{ member: 'x.y', value: '1' }]],
      ['a', []],
      ['c', [{ member: 'x.z', value: '2' }]],
    ]);
    expect(drillParams(paths, ['c', 'a', 'b']).map(([k]) => k)).toEqual(['drill.c', 'drill.b']);
  });

  it('refuses text it cannot read, saying why', () => {
    for (const bad of [
      '',
      'customers.region',
      'Customers.Region:x',
      'region:x',
      'customers.region:x/',
      'customers.region:a~b',
      'customers.region:trailing~',
      'customers.region:~nul',
      'a.b:1/a.b:2/a.b:3/a.b:4/a.b:5/a.b:6/a.b:7/a.b:8/a.b:9',
    ]) {
      expect(() => decodeDrillPath(bad), bad).toThrow(DrillPathError);
    }
  });

  it('reads a URL’s drill-downs next to its filters, and names the parameters it cannot use', () => {
    const search =
      '?region=Southern+Europe&drill.revenue_by_region=customers.region:Southern+Europe' +
      '&drill.gone_tile=customers.region:x&drill.revenue_by_month=orders.ordered_at.month:~x';
    const { paths, problems } = readDrills(search, ['revenue_by_region', 'revenue_by_month']);
    expect([...paths]).toEqual([
      ['revenue_by_region', [{ member: 'customers.region', value: 'Southern Europe' }]],
    ]);
    expect(problems.map((p) => p.tile)).toEqual(['gone_tile', 'revenue_by_month']);
    expect(problems[0]!.message).toMatch(/no such tile/);
    expect(problems[1]!.message).toMatch(/not an escape/);
  });

  it('puts filters and drill-downs in one query string that reads back to both', () => {
    const defs: FilterDefinition[] = [
      { name: 'period', type: 'date_range', default: 'last 12 months', presets: [] },
      { name: 'region', type: 'dimension', dimension: 'customers.region', multiple: true, default: [] },
    ];
    const values = new Map<string, string | string[]>([
      ['period', '2025-01-01..2025-06-30'],
      ['region', ['Southern Europe', 'Northern Europe']],
    ]);
    const path = [{ member: 'customers.region', value: 'A & B = C' }];
    const search = pageSearch(defs, values, drillParams(new Map([['t', path]]), ['t']));
    expect(search).toBe(
      '?period=2025-01-01..2025-06-30&region=Southern+Europe,Northern+Europe&drill.t=customers.region:A+%26+B+%3D+C',
    );
    expect(readFilters(defs, search)).toEqual(values);
    expect(readDrills(search, ['t']).paths.get('t')).toEqual(path);
  });
});
