import { comparisonPlan } from '../../query/comparison';
import { DateRangeError } from '../../query/date-range';
import { formatWindow } from '../../util/periods';
import type { DateRange } from '../filters';
import type { TileResult } from '../run-tile';

type Range = string | readonly [string, string];

const isRange = (v: unknown): v is Range =>
  typeof v === 'string' || (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string'));

/** The date range a report tile ran with: an `inDateRange` filter among its parameters. */
function reportRange(params: Readonly<Record<string, unknown>> | undefined): Range | undefined {
  const filters = params?.['filters'];
  if (!Array.isArray(filters)) return undefined;
  for (const f of filters as { operator?: unknown; values?: unknown }[]) {
    if (f?.operator !== 'inDateRange' || !Array.isArray(f.values)) continue;
    const v = f.values as unknown[];
    const range = v.length === 1 ? v[0] : v;
    if (isRange(range)) return range;
  }
  return undefined;
}

/** A range in words as read at `now`: up to now while it runs, "(to date)". */
function inWords(range: Range, timeZone: string, now: Date): string | undefined {
  try {
    const plan = comparisonPlan(range as DateRange, timeZone, now, []);
    const label = formatWindow(plan.current.from, plan.current.to);
    return plan.toDate ? `${label} (to date)` : label;
  } catch (e) {
    if (e instanceof DateRangeError) return undefined;
    throw e;
  }
}

/**
 * The period a tile's numbers cover, in words, read against the server's clock: a KPI's window
 * as its card states it; else the date range its query ran with (the dashboard's date filter, or
 * the tile's own range), or a report's date filter. Undefined when no date range restricts it.
 */
export function tilePeriod(tile: TileResult, now: Date): string | undefined {
  const w = tile.kpi?.window;
  if (w) return `${w.label}${w.to_date ? ' (to date)' : ''}`;
  if (tile.query) {
    const ranged = tile.query.timeDimensions.find((t) => t.dateRange !== undefined);
    const range = ranged?.dateRange as unknown;
    return isRange(range) ? inWords(range, tile.query.timezone ?? 'UTC', now) : undefined;
  }
  const range = reportRange(tile.params);
  return range === undefined ? undefined : inWords(range, 'UTC', now);
}
