import { prepareCubeQuery, runCubeQuery } from '../../cube';
import type { JsonValue } from '../../engine';
import { AppError } from '../../errors';
import { findMeasure } from '../../model/lookup';
import type { Model } from '../../model/types';
import type { CubeQueryInput } from '../../query/schema';
import type { ReportContext } from '../common/context';
import type { ForecastParams } from './params';
import { addDays, addPeriods, periodRange, periodStart, SEASON_LENGTH } from './periods';
import { checkWorkload } from './workload';

/** The most rows a series query may return (series × periods, before max_series applies). */
export const MAX_SERIES_ROWS = 200_000;

/** One series: the values of its complete periods, zero-filled from its first period with data. */
export interface SeriesData {
  /** The breakdown value (null without a breakdown). */
  readonly key: JsonValue;
  readonly label: string;
  /** The complete periods, from the series' first period with data to the last complete one. */
  readonly periods: readonly string[];
  readonly values: readonly number[];
  /** The measure in the current, incomplete period so far (not fitted); null when none is cut. */
  readonly partial: number | null;
  /** Sum of |value| over all periods, which ranks series for max_series. */
  readonly total: number;
}

export interface LoadedSeries {
  readonly asOf: string;
  readonly timeDimension: string;
  readonly seasonLength: number;
  /** The start of the last complete period before as_of. */
  readonly lastComplete: string;
  /** The start of the period as_of cuts, whose partial value is shown but not fitted. */
  readonly partialPeriod: string | null;
  readonly series: readonly SeriesData[];
  readonly omitted: readonly string[];
  /** The cube query the series come from. */
  readonly query: CubeQueryInput;
}

/**
 * The default time dimension: the one the measure's cube declares (`time_dimension`), else its
 * first public time dimension.
 */
export function mainTimeDimension(model: Model, measure: string): string {
  const m = findMeasure(model, measure, 'measure');
  const cube = model.cubes.get(m.cube)!;
  const declared = cube.timeDimension === undefined ? undefined : cube.dimensions.get(cube.timeDimension);
  const d = declared ?? [...cube.dimensions.values()].find((x) => x.type === 'time' && x.public);
  if (!d) {
    throw new AppError(
      'VALIDATION_FAILED',
      `cube ${cube.name} has no time dimension to forecast ${measure} by; give time_dimension`,
    );
  }
  return d.fullName;
}

async function runQuery(ctx: ReportContext, input: CubeQueryInput) {
  const scope = { model: ctx.model, now: () => ctx.now(), maxLimit: MAX_SERIES_ROWS };
  const prepared = prepareCubeQuery(input, scope, ctx.engine.dialect);
  return (await runCubeQuery(ctx.engine, prepared.parts[0]!)).rows;
}

/** The first or last day of the time dimension among the population's rows. */
async function edgeDay(
  ctx: ReportContext,
  params: ForecastParams,
  time: string,
  which: 'first' | 'last',
): Promise<string | null> {
  const rows = await runQuery(ctx, {
    measures: [params.measure],
    timeDimensions: [{ dimension: time, granularity: 'day' }],
    filters: params.filters,
    segments: params.segments,
    timezone: params.timezone,
    order: [[time, which === 'last' ? 'desc' : 'asc']],
    limit: 1,
  });
  const day = rows[0]?.[`${time}.day`];
  return typeof day === 'string' ? day.slice(0, 10) : null;
}

/** The day after the latest day of the time dimension among the population's rows. */
async function defaultAsOf(ctx: ReportContext, params: ForecastParams, time: string): Promise<string | null> {
  const day = await edgeDay(ctx, params, time, 'last');
  return day === null ? null : addDays(day, 1);
}

const labelOf = (key: JsonValue, measure: string, breakdown: string | undefined) =>
  breakdown === undefined ? measure : key === null ? '(null)' : String(key);

/**
 * The series of the forecast report through the cube query layer: the measure by the time
 * dimension at the granularity (and by the breakdown), rows before as_of, in the report's zone.
 */
export async function loadSeries(ctx: ReportContext, params: ForecastParams): Promise<LoadedSeries | null> {
  const g = params.granularity;
  const time = params.time_dimension ?? mainTimeDimension(ctx.model, params.measure);
  const asOf = params.as_of ?? (await defaultAsOf(ctx, params, time));
  if (asOf === null) return null;
  const lastStart = periodStart(addDays(asOf, -1), g);
  const cut = addPeriods(lastStart, 1, g) > asOf;
  const lastComplete = cut ? addPeriods(lastStart, -1, g) : lastStart;
  const from = params.from === undefined ? '1900-01-01' : periodStart(params.from, g);
  if (from >= asOf) {
    throw new AppError('VALIDATION_FAILED', `from (${params.from}) must lie before as_of (${asOf})`);
  }
  // Refuse a forecast that asks for too much work before its series are even read: at most
  // max_series series (one without a breakdown), each at most as long as the data.
  const first = await edgeDay(ctx, params, time, 'first');
  if (first !== null && first < asOf) {
    const start = periodStart([first, from].sort().at(-1)!, g);
    const length = start <= lastComplete ? periodRange(start, lastComplete, g).length : 0;
    checkWorkload(params, Array(params.breakdown === undefined ? 1 : params.max_series).fill(length));
  }
  const query: CubeQueryInput = {
    measures: [params.measure],
    dimensions: params.breakdown === undefined ? [] : [params.breakdown],
    timeDimensions: [{ dimension: time, granularity: g, dateRange: [from, addDays(asOf, -1)] }],
    filters: params.filters,
    segments: params.segments,
    timezone: params.timezone,
    limit: MAX_SERIES_ROWS,
  };
  const rows = await runQuery(ctx, query);
  if (rows.length >= MAX_SERIES_ROWS) {
    throw new AppError(
      'ROW_LIMIT_EXCEEDED',
      `the series have more than ${MAX_SERIES_ROWS} (series, period) cells; use a coarser granularity or breakdown`,
    );
  }
  const byKey = new Map<string, { key: JsonValue; values: Map<string, number> }>();
  for (const r of rows) {
    const key = params.breakdown === undefined ? null : (r[params.breakdown] ?? null);
    const id = JSON.stringify(key);
    const entry = byKey.get(id) ?? { key, values: new Map<string, number>() };
    byKey.set(id, entry);
    const v = r[params.measure];
    if (v !== null && v !== undefined) entry.values.set(String(r[`${time}.${g}`]).slice(0, 10), Number(v));
  }
  const all: SeriesData[] = [];
  for (const { key, values } of byKey.values()) {
    if (values.size === 0) continue;
    const first = [...values.keys()].sort()[0]!;
    const periods = first <= lastComplete ? periodRange(first, lastComplete, g) : [];
    let total = 0;
    for (const v of values.values()) total += Math.abs(v);
    all.push({
      key,
      label: labelOf(key, params.measure, params.breakdown),
      periods,
      values: periods.map((p) => values.get(p) ?? 0),
      partial: cut ? (values.get(lastStart) ?? 0) : null,
      total,
    });
  }
  all.sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
  return {
    asOf,
    timeDimension: time,
    seasonLength: SEASON_LENGTH[g],
    lastComplete,
    partialPeriod: cut ? lastStart : null,
    series: all.slice(0, params.max_series),
    omitted: all.slice(params.max_series).map((s) => s.label),
    query,
  };
}
