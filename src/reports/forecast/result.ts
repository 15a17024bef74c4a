import type { SeriesForecast } from './forecast-series';
import type { ForecastParams } from './params';
import type { SeriesData } from './series';

export interface ForecastSeriesResult extends Omit<SeriesForecast, 'forecast' | 'backtest'> {
  readonly key: SeriesData['key'];
  readonly label: string;
  readonly history: readonly { period: string; actual: number }[];
  /** The current, incomplete period: its value so far, not fitted. */
  readonly partial: { period: string; actual: number } | null;
  readonly backtest: SeriesForecast['backtest'] & { readonly origin_periods: readonly string[] };
  readonly forecast: readonly ForecastPointResult[];
}

export type ForecastPointResult = SeriesForecast['forecast'][number] & { readonly period: string };

/** The forecast report's JSON. */
export interface ForecastResult {
  params: ForecastParams;
  as_of: string | null;
  measure: string;
  time_dimension: string | null;
  granularity: ForecastParams['granularity'];
  season_length: number | null;
  last_complete_period: string | null;
  partial_period: string | null;
  query: unknown;
  /** Breakdown values beyond max_series, not forecast. */
  omitted_series: readonly string[];
  /** How the prediction intervals are derived. */
  intervals: string;
  series: ForecastSeriesResult[];
}
