import type { CubeQuery, QueryFilter } from '../query/schema';
import type { Dashboard, DashboardFilter, Tile } from './schema';

/** The value of each dashboard filter: a date range, or the chosen values of a dimension. */
export type FilterValues = Readonly<Record<string, string | readonly [string, string] | readonly string[]>>;

export type DateRange = string | readonly [string, string];

/** The filters' values from URL parameters, falling back to each filter's default. */
export function filterValues(dashboard: Dashboard, given: Readonly<Record<string, unknown>>): FilterValues {
  const out: Record<string, DateRange | readonly string[]> = {};
  for (const f of dashboard.filters) {
    const v = given[f.name];
    if (f.type === 'date_range') {
      if (Array.isArray(v) && v.length === 2) out[f.name] = [String(v[0]), String(v[1])];
      else if (typeof v === 'string' && v.includes('..')) {
        const [a, b] = v.split('..');
        out[f.name] = [a!, b!];
      } else out[f.name] = typeof v === 'string' && v !== '' ? v : f.default;
    } else {
      const list = Array.isArray(v)
        ? v.map(String)
        : typeof v === 'string' && v !== ''
          ? v.split(',')
          : f.default;
      out[f.name] = list;
    }
  }
  return out;
}

/** One filter's contribution to a tile, as a cube filter (dimension) or a date range (time). */
export interface AppliedFilter {
  readonly filter: DashboardFilter;
  readonly cube?: QueryFilter;
  readonly range?: DateRange;
}

export function appliedFilters(dashboard: Dashboard, values: FilterValues): AppliedFilter[] {
  return dashboard.filters.flatMap((f): AppliedFilter[] => {
    const v = values[f.name];
    if (f.type === 'date_range') return v === undefined ? [] : [{ filter: f, range: v as DateRange }];
    const list = (v as readonly string[] | undefined) ?? [];
    return list.length === 0
      ? []
      : [{ filter: f, cube: { member: f.dimension, operator: 'equals', values: [...list] } }];
  });
}

/** The time dimension a query tile's date range restricts: the tile's, else the query's first. */
export function timeOf(tile: Tile): string | undefined {
  return tile.time ?? tile.query?.timeDimensions[0]?.dimension;
}

/** A query with a date range set on `time` (added as a time dimension when the query lacks it). */
export function withDateRange(query: CubeQuery, time: string, range: DateRange): CubeQuery {
  const has = query.timeDimensions.some((t) => t.dimension === time);
  const timeDimensions = has
    ? query.timeDimensions.map((t) => (t.dimension === time ? { ...t, dateRange: range as never } : t))
    : [...query.timeDimensions, { dimension: time, dateRange: range as never }];
  return { ...query, timeDimensions };
}
