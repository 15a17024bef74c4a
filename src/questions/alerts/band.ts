import { forecastSeries, MIN_ORIGINS } from '../../reports/forecast/forecast-series';
import { SEASON_LENGTH } from '../../reports/forecast/periods';

/**
 * The forecast report's 95% band for the last complete period: the series before it forecast
 * one step ahead the way the report forecasts (methods backtested, the best by MASE, intervals
 * from model and backtest errors). Undefined when the series is too short for any method.
 */
export function forecastBand(
  before: readonly number[],
  granularity: string,
): { forecast: number; lower: number; upper: number } | undefined {
  const seasonLength = (SEASON_LENGTH as Readonly<Record<string, number>>)[granularity] ?? 1;
  const f = forecastSeries(before, {
    seasonLength,
    horizon: 1,
    method: 'auto',
    backtestOrigins: MIN_ORIGINS,
  });
  const point = f.forecast[0];
  if (!point) return undefined;
  return { forecast: point.forecast, lower: point.lower95, upper: point.upper95 };
}
