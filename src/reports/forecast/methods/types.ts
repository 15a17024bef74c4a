export const METHOD_NAMES = [
  'seasonal_naive',
  'holt_winters_additive',
  'holt_winters_multiplicative',
  'holt_winters_additive_damped',
  'holt_winters_multiplicative_damped',
  'trend_seasonal',
  'ets',
  'theta',
  'arima',
  'combination',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];

/** A method fitted to a series: point forecasts after its last observation and what was fitted. */
export interface FittedModel {
  readonly method: MethodName;
  /** Point forecasts for steps 1..h after the last observation. */
  forecast(h: number): number[];
  /** The model's own forecast-error variance at steps 1..h, where it has one. */
  variance?(h: number): number[];
  /** Root mean squared one-step in-sample error (the fallback interval width). */
  readonly sigma: number;
  /** Degrees of freedom of sigma: one-step errors less fitted coefficients. */
  readonly df: number;
  /** Fitted parameters and states, for the report's JSON. */
  readonly params: Record<string, unknown>;
  /**
   * What a fit of the same method on a longer stretch of the same series may start from (the
   * backtest fits origin after origin; never passed to a fit on a shorter stretch).
   */
  readonly warm?: unknown;
}

export interface ForecastMethod {
  readonly name: MethodName;
  /** The fewest observations the method fits on, for season length m. */
  minLength(m: number): number;
  /** Why the method does not apply to this series (e.g. zeros for multiplicative seasonality). */
  unsuitable(y: readonly number[], m: number): string | undefined;
  fit(y: readonly number[], m: number, warm?: unknown): FittedModel;
}
