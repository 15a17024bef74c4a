import { AppError } from '../errors';
import { DateRangeError, resolveDateRange } from '../query/date-range';
import { appliedFilters, type FilterValues, filterValues } from './filters';
import { type DashboardServices, type DrillStep, runTile, type TileResult } from './run-tile';
import type { Dashboard } from './schema';

export interface DashboardResult {
  id: string;
  title: string;
  description?: string;
  filters: (Dashboard['filters'][number] & { value: FilterValues[string] })[];
  tiles: TileResult[];
}

/**
 * The filters' values, with every date range readable: a mistyped range is the user's mistake,
 * answered once for the dashboard instead of as an error in every tile.
 */
function checkedValues(s: DashboardServices, dashboard: Dashboard, given: Readonly<Record<string, unknown>>) {
  const values = filterValues(dashboard, given);
  for (const f of dashboard.filters) {
    if (f.type !== 'date_range') continue;
    try {
      resolveDateRange(values[f.name] as string | readonly [string, string], 'UTC', s.reports.now());
    } catch (e) {
      if (!(e instanceof DateRangeError)) throw e;
      throw new AppError('INVALID_QUERY', `filter ${f.name}: ${e.message}`, { filter: f.name });
    }
  }
  return values;
}

/** Runs every tile of a dashboard with the filters' values (URL parameters, else defaults). */
export async function runDashboard(
  s: DashboardServices,
  dashboard: Dashboard,
  given: Readonly<Record<string, unknown>> = {},
): Promise<DashboardResult> {
  const values = checkedValues(s, dashboard, given);
  const applied = appliedFilters(dashboard, values);
  // Two at a time: DuckDB already uses every core for each query.
  const tiles: TileResult[] = [];
  for (let i = 0; i < dashboard.tiles.length; i += 2) {
    tiles.push(...(await Promise.all(dashboard.tiles.slice(i, i + 2).map((t) => runTile(s, t, applied)))));
  }
  return {
    id: dashboard.id,
    title: dashboard.title,
    description: dashboard.description,
    filters: dashboard.filters.map((f) => ({ ...f, value: values[f.name]! })),
    tiles,
  };
}

/** One tile of a dashboard with the filters' values, drilled down along `drill`. */
export async function runDashboardTile(
  s: DashboardServices,
  dashboard: Dashboard,
  tileName: string,
  given: Readonly<Record<string, unknown>> = {},
  drill: readonly DrillStep[] = [],
): Promise<TileResult | undefined> {
  const tile = dashboard.tiles.find((t) => t.name === tileName);
  if (!tile) return undefined;
  const applied = appliedFilters(dashboard, checkedValues(s, dashboard, given));
  return runTile(s, tile, applied, drill);
}
