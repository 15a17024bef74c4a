import type { Row } from '../../engine';
import { computeOf, type ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { parseParams } from '../common/params';
import { formatFooter } from './footer';
import { INTERVALS_DESCRIPTION } from './intervals';
import { type ForecastParams, ForecastParamsSchema } from './params';
import { addPeriods } from './periods';
import type { ForecastPointResult, ForecastResult, ForecastSeriesResult } from './result';
import { loadSeries } from './series';
import { checkWorkload } from './workload';

export type { ForecastResult, ForecastSeriesResult } from './result';

export const FORECAST_COLUMNS = [
  'series',
  'period',
  'actual',
  'actual_to_date',
  'forecast',
  'lower_80',
  'upper_80',
  'lower_95',
  'upper_95',
  'method',
] as const;

function row(
  s: ForecastSeriesResult,
  period: string,
  actual: number | null,
  f?: ForecastPointResult,
  toDate: number | null = null,
): Row {
  return {
    series: s.label,
    period,
    actual,
    actual_to_date: toDate,
    forecast: f?.forecast ?? null,
    lower_80: f?.lower80 ?? null,
    upper_80: f?.upper80 ?? null,
    lower_95: f?.lower95 ?? null,
    upper_95: f?.upper95 ?? null,
    method: s.method,
  };
}

/**
 * History rows with the actual, then the forecast rows. The period still running has only its
 * actual so far (`actual_to_date`), never `actual`: a line of actuals would otherwise end in a
 * fall that is only the days not yet lived.
 */
function seriesRows(s: ForecastSeriesResult): Row[] {
  const rows = s.history.map((p) => row(s, p.period, p.actual));
  const partial = s.partial;
  for (const f of s.forecast)
    rows.push(row(s, f.period, null, f, partial?.period === f.period ? partial.actual : null));
  if (s.forecast.length === 0 && partial) rows.push(row(s, partial.period, null, undefined, partial.actual));
  return rows;
}

/**
 * docs/analytics.md's forecast: each series (complete periods, zero-filled) is backtested from rolling
 * origins with the methods considered, forecast h periods past its last complete period with the
 * chosen one, with 80% / 95% intervals from the model and the backtest errors per step.
 */
export async function forecastReport(ctx: ReportContext, input: unknown): Promise<ForecastResult> {
  const params = parseParams(ForecastParamsSchema, input, 'forecast');
  const loaded = await loadSeries(ctx, params);
  const base = {
    params,
    measure: params.measure,
    granularity: params.granularity,
    intervals: INTERVALS_DESCRIPTION,
  };
  if (!loaded) {
    return {
      ...base,
      as_of: null,
      time_dimension: params.time_dimension ?? null,
      season_length: null,
      last_complete_period: null,
      partial_period: null,
      query: null,
      omitted_series: [],
      series: [],
    };
  }
  const g = params.granularity;
  checkWorkload(
    params,
    loaded.series.map((s) => s.values.length),
  );
  const compute = computeOf(ctx);
  const fits = await Promise.all(
    loaded.series.map((s) =>
      compute.run('forecast', {
        values: s.values,
        options: {
          seasonLength: loaded.seasonLength,
          horizon: params.horizon,
          method: params.method,
          backtestOrigins: params.backtest_origins,
        },
      }),
    ),
  );
  const series = loaded.series.map((s, i): ForecastSeriesResult => {
    const f = fits[i]!;
    return {
      ...f,
      key: s.key,
      label: s.label,
      history: s.periods.map((period, i) => ({ period, actual: s.values[i]! })),
      partial:
        loaded.partialPeriod === null ? null : { period: loaded.partialPeriod, actual: s.partial ?? 0 },
      backtest: { ...f.backtest, origin_periods: f.backtest.origins.map((t) => s.periods[t]!) },
      forecast: f.forecast.map((p) => ({ ...p, period: addPeriods(loaded.lastComplete, p.step, g) })),
    };
  });
  return {
    ...base,
    as_of: loaded.asOf,
    time_dimension: loaded.timeDimension,
    season_length: loaded.seasonLength,
    last_complete_period: loaded.lastComplete,
    partial_period: loaded.partialPeriod,
    query: loaded.query,
    omitted_series: loaded.omitted,
    series,
  };
}

export const forecast = defineReport<ForecastParams>({
  name: 'forecast',
  description:
    'Forecast of a measure by period (per breakdown value): seasonal naive, ETS, Theta, ARIMA or their combination, chosen by backtest',
  schema: ForecastParamsSchema,
  // The series come through the cube front door, which renders for the engine's dialect; the
  // forecasting itself is JavaScript.
  engines: ['duckdb', 'clickhouse'],
  // The breakdown's values are the series keys.
  lists: ({ breakdown }) =>
    breakdown === undefined ? [] : [{ member: breakdown, because: 'breakdown: its values are the series' }],
  async run(ctx, params) {
    const json = await forecastReport(ctx, params);
    return {
      json: json as unknown as Record<string, unknown>,
      rows: { columns: FORECAST_COLUMNS, data: json.series.flatMap(seriesRows) },
      footer: formatFooter(json),
    };
  },
});
